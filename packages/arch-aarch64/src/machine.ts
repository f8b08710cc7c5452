// One AArch64 PE with its memory system and interrupt sources wired together: the register file
// (context.ts), the MMU with its TLB (mmu/mmu.ts), a GICv3 (gic/gic.ts) and the generic timer
// driving PPI 30 (timer.ts). It gives host tasks memory accessors that translate and check every
// access at the current EL and, on a fault, take the data or instruction abort exactly as the
// hardware would (ESR_EL1, FAR_EL1, ELR_EL1 = the faulting instruction), and it delivers a
// pending IRQ when PSTATE.I allows. This is the surface the kernel's ArchPort adapter will use.
// Relies on every unit file.

import { Aarch64Cpu, ExceptionKind, SPSR_I_BIT } from './context';
import { Aarch64Error } from './errors';
import { abortSyndrome, encodeEsr } from './esr';
import { Gic } from './gic/gic';
import type { GicOptions } from './gic/state';
import { type PhysicalMemory, SparseMemory } from './memory';
import { AccessKind, type MmuFault } from './mmu/fault';
import { Mmu, type MmuOptions } from './mmu/mmu';
import { GenericTimer } from './timer';

/** Options of {@link Aarch64Machine}. */
export interface MachineOptions {
  /** Physical memory (default: a new {@link SparseMemory}). */
  memory?: PhysicalMemory;
  /** MMU and TLB options. */
  mmu?: MmuOptions;
  /** GIC size. */
  gic?: GicOptions;
  /** CNTFRQ_EL0 in Hz. */
  timerFrequency?: number;
}

/** The result of a checked access: the value, or the abort that was taken. */
export type AccessOutcome<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      /** The MMU fault. */
      fault: MmuFault;
      /** The vector address the CPU now executes. */
      vector: bigint;
    };

/** One PE with MMU, GIC and timer. */
export class Aarch64Machine {
  /** Physical memory. */
  readonly memory: PhysicalMemory;
  /** Registers and exception model. */
  readonly cpu = new Aarch64Cpu();
  /** The MMU and TLB. */
  readonly mmu: Mmu;
  /** The interrupt controller. */
  readonly gic: Gic;
  /** The EL1 physical timer, wired to PPI 30. */
  readonly timer: GenericTimer;

  /** @param options - memory, MMU, GIC and timer settings */
  constructor(options: MachineOptions = {}) {
    this.memory = options.memory ?? new SparseMemory();
    this.mmu = new Mmu(this.memory, options.mmu);
    this.gic = new Gic(options.gic);
    this.timer = new GenericTimer({
      sink: this.gic,
      ...(options.timerFrequency === undefined ? {} : { frequency: options.timerFrequency }),
    });
  }

  /** Reads one byte at `va` with the current EL's permissions. */
  readU8(va: number): AccessOutcome<number> {
    const pa = this.access(va, AccessKind.Read);
    if (typeof pa !== 'number') return pa;
    const word = this.memory.readU32(pa - (pa % 4));
    return { ok: true, value: (word >>> (8 * (pa % 4))) & 0xff };
  }

  /** Writes one byte at `va` with the current EL's permissions. */
  writeU8(va: number, value: number): AccessOutcome<undefined> {
    const pa = this.access(va, AccessKind.Write);
    if (typeof pa !== 'number') return pa;
    const at = pa - (pa % 4);
    const shift = 8 * (pa % 4);
    const word = this.memory.readU32(at);
    this.memory.writeU32(at, ((word & ~(0xff << shift)) | ((value & 0xff) << shift)) >>> 0);
    return { ok: true, value: undefined };
  }

  /**
   * Reads a little-endian 32-bit word at `va`. An aligned word is one translation; an unaligned
   * one is four byte accesses (SCTLR_EL1.A = 0, Normal memory), faulting at the first byte that
   * faults.
   */
  readU32(va: number): AccessOutcome<number> {
    if (va % 4 === 0) {
      const pa = this.access(va, AccessKind.Read);
      if (typeof pa !== 'number') return pa;
      return { ok: true, value: this.memory.readU32(pa) };
    }
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.readU8(va + i);
      if (!b.ok) return b;
      v |= b.value << (8 * i);
    }
    return { ok: true, value: v >>> 0 };
  }

  /** Writes a little-endian 32-bit word at `va` (see {@link Aarch64Machine.readU32}). */
  writeU32(va: number, value: number): AccessOutcome<undefined> {
    if (va % 4 === 0) {
      const pa = this.access(va, AccessKind.Write);
      if (typeof pa !== 'number') return pa;
      this.memory.writeU32(pa, value >>> 0);
      return { ok: true, value: undefined };
    }
    // Check every byte before writing any, so a faulting store changes nothing.
    for (let i = 0; i < 4; i++) {
      const r = this.mmu.translate(va + i, AccessKind.Write, this.cpu.el);
      if (!r.ok) return this.abort(va + i, AccessKind.Write, r.fault);
    }
    for (let i = 0; i < 4; i++) this.writeU8(va + i, (value >>> (8 * i)) & 0xff);
    return { ok: true, value: undefined };
  }

  /** Checks that the instruction at `va` may be fetched; takes an instruction abort if not. */
  fetch(va: number): AccessOutcome<number> {
    const pa = this.access(va, AccessKind.Execute);
    if (typeof pa !== 'number') return pa;
    return { ok: true, value: pa };
  }

  /**
   * Takes the IRQ exception if the GIC asserts IRQ and PSTATE.I is clear. Returns the vector, or
   * undefined when no interrupt was taken. The return address is the current PC (the next
   * instruction that has not executed).
   */
  pollInterrupts(): bigint | undefined {
    if (!this.gic.cpu.irqPending || (this.cpu.pstate & (1 << SPSR_I_BIT)) !== 0) return undefined;
    return this.cpu.takeException({ kind: ExceptionKind.Irq, returnAddress: this.cpu.pc });
  }

  /** Advances the system counter by `ticks`, then delivers an interrupt if one is due. */
  advance(ticks: bigint | number): bigint | undefined {
    this.timer.advance(ticks);
    return this.pollInterrupts();
  }

  private access(va: number, kind: AccessKind): number | AccessOutcome<never> {
    if (!Number.isInteger(va) || va < 0) {
      throw new Aarch64Error(
        'out-of-range',
        `virtual address ${va} must be a non-negative integer`,
      );
    }
    const r = this.mmu.translate(va, kind, this.cpu.el);
    return r.ok ? r.pa : this.abort(va, kind, r.fault);
  }

  private abort(va: number, kind: AccessKind, fault: MmuFault): AccessOutcome<never> {
    const esr = encodeEsr(abortSyndrome(fault, kind, this.cpu.el));
    // ELR_EL1 = the faulting instruction: the abort is taken before the PC advances.
    const vector = this.cpu.takeException({
      kind: ExceptionKind.Sync,
      returnAddress: this.cpu.pc,
      esr,
      far: BigInt(va),
    });
    return { ok: false, fault, vector };
  }
}
