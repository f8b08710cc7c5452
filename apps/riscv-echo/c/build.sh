#!/usr/bin/env bash
# Builds echo-client.elf, the riscv-echo client, with clang for rv32imac against the K5 C
# library of @k5/arch-riscv (packages/arch-riscv/c: k5.h regenerated from @k5/abi,
# k5-riscv.h, k5-defmt.h, task.ld). The ELF is committed so that running and testing the app
# never needs the compiler. Installs clang and lld from Debian's packages when missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
lib="$repo/packages/arch-riscv/c"
missing=()
command -v clang >/dev/null || missing+=(clang)
command -v ld.lld >/dev/null || missing+=(lld)
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
(cd "$repo/packages/abi" && node --conditions=@k5/source --import tsx \
  -e "import('./src/c-header.ts').then((m) => process.stdout.write(m.generateCHeader()))") >"$lib/k5.h"
clang --target=riscv32-unknown-elf -march=rv32imac -mabi=ilp32 -mcmodel=medany -mno-relax -Os \
  -ffreestanding -fno-builtin -nostdlib -fno-unwind-tables -fno-asynchronous-unwind-tables \
  -Wall -Wextra -Werror -I "$lib" -fuse-ld=lld -Wl,-T,"$lib/task.ld" -Wl,--strip-debug \
  "$here/echo-client.c" -o "$here/echo-client.elf"
echo "echo-client.elf: $(wc -c <"$here/echo-client.elf") bytes"
