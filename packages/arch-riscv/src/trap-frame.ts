// A thread's saved user context on RISC-V: x1..x31, the pc to return to and the privilege
// mode, as the M-mode trap handler saves them on entry and restores them before mret. Owns the
// in-memory layout (the one a machine-code kernel's handler would use: x1..x31 then pc, 4 bytes
// each) and the capture/resume steps. Relies on the hart's CSR and register access.

import { CSR_MEPC, CSR_MSTATUS, MSTATUS_MPP, MSTATUS_MPP_SHIFT } from './csr';
import { RiscvError } from './errors';
import type { Hart } from './hart/hart';
import { PrivilegeMode } from './trap';

/** Byte offset of x`n` (n = 1..31) in a trap frame: (n - 1) × 4. */
export function trapFrameRegisterOffset(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 31) {
    throw new RiscvError('invalid-argument', `trap frames hold x1..x31, not x${n}`);
  }
  return (n - 1) * 4;
}
/** Byte offset of the saved pc (mepc) in a trap frame. */
export const TRAP_FRAME_PC = 31 * 4;
/** Size of a trap frame in bytes. */
export const TRAP_FRAME_SIZE = 32 * 4;

/** One thread's saved registers, pc and mode. */
export class TrapFrame {
  /** x0..x31 (index 0 is always 0). */
  readonly x = new Uint32Array(32);
  /** The pc to resume at. */
  pc = 0;
  /** The mode to resume in. */
  mode: PrivilegeMode = PrivilegeMode.User;

  /** Reads x`n` (x0 reads 0). */
  get(n: number): number {
    checkRegister(n);
    return this.x[n]!;
  }

  /** Writes x`n` (writes to x0 are ignored). */
  set(n: number, value: number): void {
    checkRegister(n);
    if (n !== 0) this.x[n] = value;
  }

  /**
   * Saves the context the hart just trapped out of: registers, mepc as pc and mstatus.MPP as
   * mode. Call it right after a trap into M mode, before anything else changes them.
   */
  capture(hart: Hart): this {
    hart.saveRegisters(this.x);
    this.x[0] = 0;
    this.pc = hart.readCsr(CSR_MEPC);
    const mpp = (hart.readCsr(CSR_MSTATUS) & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT;
    this.mode = mpp === PrivilegeMode.Machine ? PrivilegeMode.Machine : PrivilegeMode.User;
    return this;
  }

  /**
   * Loads this context into the hart and performs mret: registers, mepc ← pc, MPP ← mode,
   * then MIE ← MPIE and the mode switch as mret defines them.
   */
  resume(hart: Hart): void {
    hart.loadRegisters(this.x);
    hart.writeCsr(CSR_MEPC, this.pc);
    const mstatus = hart.readCsr(CSR_MSTATUS);
    hart.writeCsr(CSR_MSTATUS, (mstatus & ~MSTATUS_MPP) | (this.mode << MSTATUS_MPP_SHIFT));
    hart.mret();
  }

  /** The frame as bytes in the trap-frame layout (little endian). */
  toBytes(): Uint8Array {
    const out = new Uint8Array(TRAP_FRAME_SIZE);
    const view = new DataView(out.buffer);
    for (let n = 1; n < 32; n++) view.setUint32(trapFrameRegisterOffset(n), this.x[n]!, true);
    view.setUint32(TRAP_FRAME_PC, this.pc >>> 0, true);
    return out;
  }

  /** Reads registers and pc from bytes in the trap-frame layout (the mode is not stored). */
  static fromBytes(bytes: Uint8Array, mode: PrivilegeMode = PrivilegeMode.User): TrapFrame {
    if (bytes.length < TRAP_FRAME_SIZE) {
      throw new RiscvError(
        'invalid-argument',
        `a trap frame is ${TRAP_FRAME_SIZE} bytes, got ${bytes.length}`,
      );
    }
    const frame = new TrapFrame();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    for (let n = 1; n < 32; n++) frame.x[n] = view.getUint32(trapFrameRegisterOffset(n), true);
    frame.pc = view.getUint32(TRAP_FRAME_PC, true);
    frame.mode = mode;
    return frame;
  }
}

function checkRegister(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 31) {
    throw new RiscvError('invalid-argument', `register index must be 0..31, got ${n}`);
  }
}
