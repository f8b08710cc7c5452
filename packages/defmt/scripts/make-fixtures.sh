#!/usr/bin/env bash
# Builds the ELF fixtures of @k5/defmt's ELF tests (and @k5/elf's reader tests) from
# scripts/fixture-src/ with clang and lld, then dumps what LLVM's own tools see in them
# (llvm-objdump symbol tables, llvm-dwarfdump variables and line tables) as oracles for the
# tests.
#
# The binaries and dumps are committed, so tests never need a compiler. Re-run after changing
# fixture-src/:   bash packages/defmt/scripts/make-fixtures.sh
#
# Installs clang, lld and llvm from Debian when they are missing (needs root and network).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
src="$here/fixture-src"
out="$here/../fixtures"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need clang++ || ! need ld.lld || ! need llvm-objdump || ! need llvm-dwarfdump; then
  echo "installing clang, lld and llvm from Debian..." >&2
  apt-get update >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang lld llvm >/dev/null
fi

mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Freestanding, small, and reproducible: the compilation directory is mapped to /build/app so
# that paths in DWARF do not depend on where the script runs.
CF=(-ffreestanding -fno-builtin -nostdlib -O1 -fno-exceptions -fno-rtti
  -fno-unwind-tables -fno-asynchronous-unwind-tables
  "-fdebug-prefix-map=$src=/build/app")

# build NAME TARGET DWARF LINKER-SCRIPT|none [extra clang flags...]
build() {
  local name="$1" target="$2" dwarf="$3" script="$4"
  shift 4
  (cd "$src" && clang++ --target="$target" -g "-gdwarf-$dwarf" "${CF[@]}" "$@" -c app.cpp -o "$work/$name.o")
  if [ "$script" = none ]; then
    ld.lld -z max-page-size=16 -e _start "$work/$name.o" -o "$out/$name.elf"
  elif [ "$script" = shared ]; then
    ld.lld -z max-page-size=16 -shared "$work/$name.o" -o "$out/$name.elf"
    llvm-objdump -T "$out/$name.elf" | tail -n +5 >"$out/$name.dynsyms.txt"
  else
    ld.lld -z max-page-size=16 ${LDX:-} -T "$src/$script" "$work/$name.o" -o "$out/$name.elf"
  fi
  llvm-objdump -t "$out/$name.elf" | tail -n +5 >"$out/$name.symbols.txt"
  (cd "$out" && llvm-dwarfdump --debug-info "$name.elf" >"$name.dwarf.txt")
  (cd "$out" && llvm-dwarfdump --debug-line "$name.elf" >"$name.lines.txt")
  echo "built $name.elf ($(wc -c <"$out/$name.elf") bytes)" >&2
}

# ELF32 little endian, Cortex-M: DWARF 4 and DWARF 5, both encodings.
build thumbv7em-dwarf4 thumbv7em-none-eabi 4 link.ld -mcpu=cortex-m4
build thumbv8m-dwarf5 thumbv8m.main-none-eabi 5 link.ld -mcpu=cortex-m33 '-DDEFMT_ENCODING="raw"'
# Wire version 3 (still supported by the decoder).
build thumbv7em-v3 thumbv7em-none-eabi 4 link.ld -mcpu=cortex-m4 '-DDEFMT_VERSION="3"'
# An unsupported wire version, for the version check.
build thumbv7em-v5 thumbv7em-none-eabi 4 link.ld -mcpu=cortex-m4 '-DDEFMT_VERSION="5"'
# ELF64 little endian, with AArch64 `$d.N` mapping symbols inside `.defmt`.
build aarch64-dwarf5 aarch64-none-elf 5 link.ld
# No defmt linker script: the `.defmt.*` input sections stay separate output sections, as in
# host binaries.
build aarch64-unmerged aarch64-none-elf 4 none
# No debug information: the table loads, locations are incomplete.
build thumbv7em-nodebug thumbv7em-none-eabi 4 link.ld -mcpu=cortex-m4 -g0
# Compressed debug sections (SHF_COMPRESSED, zlib), ELF32 and ELF64.
LDX=--compress-debug-sections=zlib build thumbv7em-zdebug thumbv7em-none-eabi 4 link.ld -mcpu=cortex-m4
LDX=--compress-debug-sections=zlib build aarch64-zdebug aarch64-none-elf 5 link.ld
# A shared object, for dynamic symbol tables.
build aarch64-shared aarch64-none-elf 4 shared -fPIC
# Big endian: ELF32 (PowerPC) and ELF64 (PowerPC64).
build ppc-dwarf4 powerpc-unknown-none 4 link.ld
build ppc64-dwarf5 powerpc64-unknown-linux-gnu 5 link.ld

cp "$src/app.cpp" "$out/app.cpp.txt"
echo "fixtures written to $out" >&2
