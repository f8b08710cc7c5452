#!/usr/bin/env bash
# Builds the differential-test programs in test/fixtures/qemu/src for rv32imac, runs each on
# QEMU (`virt`, no firmware, semihosting exit) and records what it prints as the expectation
# test/qemu-diff.test.ts checks the reference hart against. Commits nothing by itself: the
# flat binaries (*.bin) and expectations (*.json) it writes are meant to be committed, so the
# tests never need the compiler or QEMU. Installs clang/lld/llvm and qemu-system-misc from
# Debian's packages when they are missing.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dir="$here/test/fixtures/qemu"
missing=()
command -v clang >/dev/null || missing+=(clang)
command -v ld.lld >/dev/null || missing+=(lld)
command -v llvm-objcopy >/dev/null || missing+=(llvm)
command -v qemu-system-riscv32 >/dev/null || missing+=(qemu-system-misc)
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# RV32IMAC + U only, so that misa and the trap behaviour match the reference hart.
CPU=rv32,s=off,f=off,d=off,h=off,v=off
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
CF=(--target=riscv32-unknown-elf -march=rv32imac -mabi=ilp32 -mno-relax -ffreestanding -fno-builtin
  -nostdlib -fno-unwind-tables -fno-asynchronous-unwind-tables -fuse-ld=lld -Wl,-T,"$dir/src/link.ld")
for src in "$dir"/src/*.c; do
  name="$(basename "$src" .c)"
  opt=-O2
  [[ "$name" == compressed ]] && opt=-Os
  clang "${CF[@]}" "$opt" "$dir/src/crt0.S" "$src" -o "$build/$name.elf"
  llvm-objcopy -O binary "$build/$name.elf" "$dir/$name.bin"
  set +e
  timeout 20 qemu-system-riscv32 -M virt -cpu "$CPU" -bios none -nographic -monitor none -serial none \
    -semihosting-config enable=on,userspace=on,target=native -kernel "$build/$name.elf" >"$build/$name.out" 2>&1
  code=$?
  set -e
  node -e '
    const fs = require("node:fs");
    const [name, out, code, file] = process.argv.slice(1);
    const record = { program: name, qemu: "qemu-system-riscv32 -M virt -cpu rv32,s=off,f=off,d=off,h=off,v=off -bios none", exitCode: Number(code), output: fs.readFileSync(out, "utf8") };
    fs.writeFileSync(file, JSON.stringify(record, null, 2) + "\n");
  ' "$name" "$build/$name.out" "$code" "$dir/$name.json"
  echo "$name: exit $code, $(wc -c <"$dir/$name.bin") bytes" >&2
done
