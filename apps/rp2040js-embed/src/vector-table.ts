// The adapter's vector table, placed in SRAM the kernel does not own (VTOR points at it). Each
// exception the kernel takes (HardFault, SVCall, PendSV, SysTick) vectors to a two-instruction
// handler, `bkpt #n; bx lr`: rp2040js performs the real exception entry (stacking on the PSP),
// the BKPT hands control to the adapter, and once the adapter has switched threads the core's
// own `bx lr` with EXC_RETURN performs the real exception return. A boot stub (`svc #0`) lets
// the core enter Handler mode the same way before the first thread runs.
import type { RP2040 } from 'rp2040js';

/** Exception numbers the adapter handles (ARMv6-M numbering). */
export const Exception = {
  HardFault: 3,
  SVCall: 11,
  PendSV: 14,
  SysTick: 15,
} as const;

const HANDLED = [Exception.HardFault, Exception.SVCall, Exception.PendSV, Exception.SysTick];
const TABLE_BYTES = 48 * 4;
const STACK_BYTES = 0x400;
const BKPT = 0xbe00;
const BX_LR = 0x4770;
const SVC_0 = 0xdf00;

/** Where the adapter's table, handlers, boot stub and handler stack are. */
export interface VectorLayout {
  /** VTOR. */
  readonly base: number;
  /** Address of the boot stub (`svc #0`, run privileged on the MSP). */
  readonly bootStub: number;
  /** Initial MSP: the top of the handler stack. */
  readonly mainStackTop: number;
  /** One past the last byte the layout uses. */
  readonly end: number;
}

/** Writes the table and handlers at `base` (word aligned, outside the kernel's RAM). */
export function installVectorTable(mcu: RP2040, base: number): VectorLayout {
  if (base % 256 !== 0) {
    throw new RangeError(`VTOR 0x${base.toString(16)} must be 256-byte aligned on the Cortex-M0+`);
  }
  let code = base + TABLE_BYTES;
  const mainStackTop = base + TABLE_BYTES + 0x40 + STACK_BYTES;
  mcu.writeUint32(base, mainStackTop);
  for (const n of HANDLED) {
    // The handler's address, with the Thumb bit, in the exception's vector slot.
    mcu.writeUint32(base + 4 * n, code | 1);
    mcu.writeUint16(code, BKPT | n);
    mcu.writeUint16(code + 2, BX_LR);
    code += 4;
  }
  const bootStub = code;
  mcu.writeUint16(bootStub, SVC_0);
  mcu.writeUint16(bootStub + 2, BKPT | 0xff);
  mcu.core.VTOR = base;
  return { base, bootStub, mainStackTop, end: mainStackTop };
}
