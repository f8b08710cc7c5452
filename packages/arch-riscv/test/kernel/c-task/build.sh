#!/usr/bin/env bash
# Builds the C task fixture of c-task.test.ts: regenerates c/k5.h from @k5/abi, compiles client.c
# for rv32imac with clang (position-independent, no libc), and writes client.bin, which is
# committed so that the tests never need the compiler. Installs clang, lld and llvm from
# Debian's packages when they are missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../../../.." && pwd)"
missing=()
command -v clang >/dev/null || missing+=(clang)
command -v ld.lld >/dev/null || missing+=(lld)
command -v llvm-objcopy >/dev/null || missing+=(llvm)
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
(cd "$repo/packages/abi" && node --conditions=@k5/source --import tsx \
  -e "import('./src/c-header.ts').then((m) => process.stdout.write(m.generateCHeader()))") >"$here/../../../c/k5.h"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
clang --target=riscv32-unknown-elf -march=rv32imac -mabi=ilp32 -mcmodel=medany -mno-relax -O2 \
  -ffreestanding -fno-builtin -nostdlib -fno-unwind-tables -fno-asynchronous-unwind-tables \
  -I "$here/../../../c" -fuse-ld=lld -Wl,-T,"$here/link.ld" "$here/client.c" -o "$build/client.elf"
llvm-objcopy -O binary "$build/client.elf" "$here/client.bin"
echo "client.bin: $(wc -c <"$here/client.bin") bytes"
