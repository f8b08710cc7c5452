// Register save areas for enclave threads inside the security monitor's memory: one trap frame
// (x1..x31 then pc, the trap-frame layout) per thread the kernel schedules in an enclave. The
// memory sits under the monitor's locked PMP entry, so no code on the hart, U or M mode, reads
// a saved frame; host code (standing for the monitor's M-mode firmware and the trusted kernel)
// reaches it through the bus. Relies on the memory bus and the trap frame's byte layout.

import { RiscvError } from '../errors';
import type { MemoryBus } from '../hart/memory';
import { TRAP_FRAME_PC, TRAP_FRAME_SIZE, TrapFrame, trapFrameRegisterOffset } from '../trap-frame';

/** Register index of the pc in a frame slot (after x0..x31), as in `@k5/abi`'s riscv convention. */
const PC_INDEX = 32;

/** A fixed set of trap-frame slots in monitor memory, handed out one per enclave thread. */
export class MonitorFrameStore {
  /** How many slots the store has. */
  readonly capacity: number;
  private readonly freeSlots: number[];

  /**
   * @param bus - the bus holding the monitor's memory
   * @param base - the first slot's address
   * @param capacity - how many slots follow it
   */
  constructor(
    private readonly bus: MemoryBus,
    private readonly base: number,
    capacity: number,
  ) {
    this.capacity = capacity;
    // Pop from the end: lowest addresses first.
    this.freeSlots = Array.from(
      { length: capacity },
      (_, i) => base + (capacity - 1 - i) * TRAP_FRAME_SIZE,
    );
  }

  /** Slots not handed out. */
  get available(): number {
    return this.freeSlots.length;
  }

  /**
   * Hands out a zeroed slot for `what`.
   * @throws RiscvError `enclave-out-of-resources` when every slot is in use
   */
  allocate(what: string): number {
    const address = this.freeSlots.pop();
    if (address === undefined) {
      throw new RiscvError(
        'enclave-out-of-resources',
        `${what}: the security monitor's ${this.capacity} register save areas are all in use; give it more memory`,
      );
    }
    this.wipe(address);
    return address;
  }

  /** Zeroes the slot at `address` and takes it back. */
  release(address: number): void {
    this.assertSlot(address);
    if (this.freeSlots.includes(address)) return;
    this.wipe(address);
    this.freeSlots.push(address);
  }

  /** The frame saved at `address` (U mode). */
  read(address: number): TrapFrame {
    this.assertSlot(address);
    return TrapFrame.fromBytes(this.bus.dump(address, TRAP_FRAME_SIZE));
  }

  /** Saves `frame` at `address`. */
  write(address: number, frame: TrapFrame): void {
    this.assertSlot(address);
    this.bus.load(address, frame.toBytes());
  }

  /** Register `index` (x0..x31, pc = 32) of the frame at `address`; x0 reads 0. */
  readRegister(address: number, index: number): number {
    if (index === 0) return 0;
    return this.bus.read(address + this.offset(index), 4) ?? 0;
  }

  /** Writes register `index` (x0 stays 0) of the frame at `address`. */
  writeRegister(address: number, index: number, value: number): void {
    if (index === 0) return;
    this.bus.write(address + this.offset(index), 4, value >>> 0);
  }

  /** Zeroes the frame at `address`. */
  wipe(address: number): void {
    this.bus.load(address, new Uint8Array(TRAP_FRAME_SIZE));
  }

  private offset(index: number): number {
    return index === PC_INDEX ? TRAP_FRAME_PC : trapFrameRegisterOffset(index);
  }

  private assertSlot(address: number): void {
    const k = (address - this.base) / TRAP_FRAME_SIZE;
    if (!Number.isInteger(k) || k < 0 || k >= this.capacity) {
      throw new RiscvError(
        'invalid-argument',
        `0x${address.toString(16)} is not a register save area of the security monitor`,
      );
    }
  }
}
