// The memory side of the embedding: rp2040js's core reaches memory only through its
// readUint32/16/8 and writeUint32/16/8 methods, so the adapter replaces them on the core
// instance. Addresses in the kernel's RAM go to the kernel's PhysicalMemory (the SRAM the
// tasks, their IPC buffers and their stacks live in); everything else goes to the RP2040 as
// before. While the core runs unprivileged (Thread mode with CONTROL.nPRIV = 1) every access is
// first checked with the MPU checker the adapter installs for the running thread; a refused
// access throws MpuAbort out of executeInstruction, so the instruction never completes.
import { AccessKind, type PhysicalMemory } from '@k5/kernel';
import type { RP2040 } from 'rp2040js';

/** rp2040js's Cortex-M0+ core (its class is not exported by name). */
export type CortexM0Core = RP2040['core'];

/** Checks one access of the running thread; true when the MPU allows it. */
export type AccessCheck = (address: number, size: number, kind: AccessKind) => boolean;

const KIND_NAMES: Record<number, string> = { 1: 'read', 2: 'write', 4: 'fetch' };

/** An unprivileged access the MPU refused; the instruction that made it is aborted. */
export class MpuAbort extends Error {
  override readonly name = 'MpuAbort';
  constructor(
    readonly address: number,
    readonly size: number,
    readonly kind: AccessKind,
  ) {
    super(`MPU refused a ${size}-byte ${KIND_NAMES[kind] ?? kind} at 0x${address.toString(16)}`);
  }
}

const THREAD_MODE = 0;

/** The core's memory accessors, rerouted and guarded. */
export class GuardedBus {
  /** The running thread's check, or null while no thread is on the core. */
  check: AccessCheck | null = null;
  /** Accesses checked and refused since construction. */
  readonly counts = { checked: 0, refused: 0 };
  private readonly view: DataView;

  /**
   * Installs the accessors on `core`.
   * @param core - rp2040js's Cortex-M0+ core
   * @param ram - the kernel's RAM, which replaces the part of the address space it covers
   */
  constructor(
    private readonly core: CortexM0Core,
    private readonly ram: PhysicalMemory,
  ) {
    this.view = new DataView(ram.bytes.buffer, ram.bytes.byteOffset, ram.bytes.byteLength);
    const mcu = core.rp2040;
    core.readUint32 = (a) => this.read(a >>> 0, 4, () => mcu.readUint32(a));
    core.readUint16 = (a) => this.read(a >>> 0, 2, () => mcu.readUint16(a));
    core.readUint8 = (a) => this.read(a >>> 0, 1, () => mcu.readUint8(a));
    core.writeUint32 = (a, v) => this.write(a >>> 0, 4, v, () => mcu.writeUint32(a, v));
    core.writeUint16 = (a, v) => this.write(a >>> 0, 2, v, () => mcu.writeUint16(a, v));
    core.writeUint8 = (a, v) => this.write(a >>> 0, 1, v, () => mcu.writeUint8(a, v));
  }

  /** Whether the core's accesses are unprivileged now (Thread mode, CONTROL.nPRIV). */
  get unprivileged(): boolean {
    return this.core.currentMode === THREAD_MODE && this.core.nPRIV;
  }

  private guard(address: number, size: number, kind: AccessKind): void {
    if (this.check === null || !this.unprivileged) return;
    this.counts.checked++;
    if (!this.check(address, size, kind)) {
      this.counts.refused++;
      throw new MpuAbort(address, size, kind);
    }
  }

  private read(address: number, size: number, outside: () => number): number {
    // An instruction fetch reads the halfwords at PC and PC + 2 before PC moves.
    const pc = (this.core.PC & ~1) >>> 0;
    const fetch = size === 2 && (address === pc || address === pc + 2);
    this.guard(address, size, fetch ? AccessKind.Execute : AccessKind.Read);
    if (!this.ram.contains(address, size)) return outside();
    const offset = address - this.ram.base;
    if (size === 4) return this.view.getUint32(offset, true);
    if (size === 2) return this.view.getUint16(offset, true);
    return this.view.getUint8(offset);
  }

  private write(address: number, size: number, value: number, outside: () => void): void {
    this.guard(address, size, AccessKind.Write);
    if (!this.ram.contains(address, size)) {
      outside();
      return;
    }
    const offset = address - this.ram.base;
    if (size === 4) this.view.setUint32(offset, value >>> 0, true);
    else if (size === 2) this.view.setUint16(offset, value & 0xffff, true);
    else this.view.setUint8(offset, value & 0xff);
  }
}
