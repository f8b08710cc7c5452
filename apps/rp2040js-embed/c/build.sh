#!/usr/bin/env bash
# Builds the rp2040js-embed tasks (server, client, spinner, faulter) as Thumb-1 ELFs for the
# Cortex-M0+ with clang and ld.lld, against k5.h regenerated from @k5/abi and this folder's
# k5-thumb.h / k5-trap.c. The ELFs are committed so that running and testing the app never
# needs the compiler. Installs clang and lld from Debian's packages when missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
missing=()
command -v clang >/dev/null || missing+=(clang)
command -v ld.lld >/dev/null || missing+=(lld)
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
(cd "$repo/packages/abi" && node --conditions=@k5/source --import tsx \
  -e "import('./src/c-header.ts').then((m) => process.stdout.write(m.generateCHeader()))") >"$here/k5.h"
for task in server client spinner faulter; do
  clang --target=thumbv6m-none-eabi -mcpu=cortex-m0plus -mthumb -O2 -ffreestanding -fno-builtin \
    -nostdlib -fropi -fno-unwind-tables -fno-asynchronous-unwind-tables -Wall -Wextra -Werror \
    -I "$here" -fuse-ld=lld -Wl,-T,"$here/task.ld" -Wl,--strip-debug -Wl,-n \
    "$here/$task.c" "$here/k5-trap.c" -o "$here/$task.elf"
  echo "$task.elf: $(wc -c <"$here/$task.elf") bytes"
done
