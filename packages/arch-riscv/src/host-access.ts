// Checked access to guest memory on a thread's behalf: host code (the kernel copying an IPC
// buffer, a host task reading its own memory) reads or writes RAM only where the thread's
// privilege mode could itself, under the current PMP registers. Every 4-byte word the range
// touches is checked with the PMP checker (PMP boundaries are multiples of 4, so that is
// exact); a denied or unmapped byte yields a fault record instead of data, and nothing is
// written. Relies on the memory bus and the PMP checker.

import { RiscvError } from './errors';
import type { MemoryBus } from './hart/memory';
import { PmpAccess, PmpChecker } from './pmp/checker';
import type { PmpRegisters } from './pmp/registers';
import { PrivilegeMode } from './trap';

/** Why a checked access failed. */
export interface HostAccessFault {
  /** The first address that could not be accessed. */
  readonly address: number;
  /** The kind of access that was refused. */
  readonly access: PmpAccess;
  /** `pmp`: PMP denies it; `unmapped`: no RAM there. */
  readonly reason: 'pmp' | 'unmapped';
}

/** The outcome of a checked read. */
export type HostReadResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly fault: HostAccessFault };

/** The outcome of a checked write. */
export type HostWriteResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly fault: HostAccessFault };

/** Guest RAM seen through one hart's PMP, as a thread in a given mode would see it. */
export class CheckedMemory {
  private readonly checker: PmpChecker;

  /**
   * @param bus - the memory to access
   * @param pmp - the PMP registers that apply (normally the hart's)
   */
  constructor(
    readonly bus: MemoryBus,
    pmp: PmpRegisters,
  ) {
    this.checker = new PmpChecker(pmp);
  }

  /** The first address of `[address, address + length)` that `mode` may not access, if any. */
  findFault(
    address: number,
    length: number,
    access: PmpAccess,
    mode: PrivilegeMode,
  ): HostAccessFault | undefined {
    if (
      !Number.isInteger(address) ||
      !Number.isInteger(length) ||
      address < 0 ||
      length < 0 ||
      address + length > 2 ** 32
    ) {
      throw new RiscvError('invalid-argument', `bad range: ${length} bytes at ${address}`);
    }
    const end = address + length;
    let at = address;
    while (at < end) {
      const ram = this.bus.ramAt(at);
      if (ram === undefined) return { address: at, access, reason: 'unmapped' };
      const regionEnd = Math.min(end, ram.base + ram.size);
      while (at < regionEnd) {
        const wordEnd = Math.min(regionEnd, at - (at % 4) + 4);
        if (!this.checker.allows(at, wordEnd - at, access, mode))
          return { address: at, access, reason: 'pmp' };
        at = wordEnd;
      }
    }
    return undefined;
  }

  /** Reads `length` bytes at `address` as `mode` (default U) would, or reports the fault. */
  read(address: number, length: number, mode: PrivilegeMode = PrivilegeMode.User): HostReadResult {
    const fault = this.findFault(address, length, PmpAccess.Read, mode);
    if (fault) return { ok: false, fault };
    const out = new Uint8Array(length);
    let i = 0;
    while (i < length) {
      const ram = this.bus.ramAt(address + i)!;
      const off = address + i - ram.base;
      const n = Math.min(length - i, ram.size - off);
      out.set(ram.bytes.subarray(off, off + n), i);
      i += n;
    }
    return { ok: true, bytes: out };
  }

  /** Writes `bytes` at `address` as `mode` (default U) would; nothing is written on a fault. */
  write(
    address: number,
    bytes: Uint8Array,
    mode: PrivilegeMode = PrivilegeMode.User,
  ): HostWriteResult {
    const fault = this.findFault(address, bytes.length, PmpAccess.Write, mode);
    if (fault) return { ok: false, fault };
    let i = 0;
    while (i < bytes.length) {
      const ram = this.bus.ramAt(address + i)!;
      const off = address + i - ram.base;
      const n = Math.min(bytes.length - i, ram.size - off);
      ram.bytes.set(bytes.subarray(i, i + n), off);
      ram.invalidate(off, n);
      i += n;
    }
    return { ok: true };
  }
}
