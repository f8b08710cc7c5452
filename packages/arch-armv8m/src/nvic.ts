// The NVIC and the exception-priority parts of the SCB: enable/pending/active state of up to 480
// external interrupts and of the system exceptions, 8-bit priorities with only the top N bits
// implemented, PRIGROUP splitting a priority into group priority (preemption) and subpriority
// (order among pending), the execution priority with PRIMASK/BASEPRI/FAULTMASK boosts, and the
// choice of which exception is taken (also at the vector fetch, for late arrival, and at exception
// return, for tail-chaining). Registers: NVIC_ISER/ICER/ISPR/ICPR/IABR/IPR, NVIC_STIR, SCB_ICSR,
// SCB_AIRCR, SCB_SHPR1-3. Relies on `errors.ts`.

import { InterruptError } from './errors';

/** Exception numbers of the Armv8-M system exceptions; external interrupt n is 16 + n. */
export enum ExceptionNumber {
  Reset = 1,
  NMI = 2,
  HardFault = 3,
  MemManage = 4,
  BusFault = 5,
  UsageFault = 6,
  SecureFault = 7,
  SVCall = 11,
  DebugMonitor = 12,
  PendSV = 14,
  SysTick = 15,
}

/** Exception number of external interrupt 0. */
export const IRQ_BASE = 16;
/** NVIC_ISER0..15: write 1 to enable; read enabled state. */
export const NVIC_ISER0 = 0xe000e100;
/** NVIC_ICER0..15: write 1 to disable; read enabled state. */
export const NVIC_ICER0 = 0xe000e180;
/** NVIC_ISPR0..15: write 1 to pend; read pending state. */
export const NVIC_ISPR0 = 0xe000e200;
/** NVIC_ICPR0..15: write 1 to clear pending; read pending state. */
export const NVIC_ICPR0 = 0xe000e280;
/** NVIC_IABR0..15: active state (read-only). */
export const NVIC_IABR0 = 0xe000e300;
/** NVIC_IPR0..119: one priority byte per interrupt. */
export const NVIC_IPR0 = 0xe000e400;
/** NVIC_STIR: write INTID[8:0] to pend that interrupt. */
export const NVIC_STIR = 0xe000ef00;
/** SCB_ICSR: interrupt control and state. */
export const SCB_ICSR = 0xe000ed04;
/** SCB_AIRCR: application interrupt and reset control (PRIGROUP). */
export const SCB_AIRCR = 0xe000ed0c;
/** SCB_SHPR1: priorities of exceptions 4-7. */
export const SCB_SHPR1 = 0xe000ed18;
/** SCB_SHPR2: priorities of exceptions 8-11. */
export const SCB_SHPR2 = 0xe000ed1c;
/** SCB_SHPR3: priorities of exceptions 12-15. */
export const SCB_SHPR3 = 0xe000ed20;
/** SCB_SHCSR: system handler active, pending and enable bits. */
export const SCB_SHCSR = 0xe000ed24;
/** SHCSR.MEMFAULTENA (bit 16). */
export const SHCSR_MEMFAULTENA = 0x10000;
/** SHCSR.BUSFAULTENA (bit 17). */
export const SHCSR_BUSFAULTENA = 0x20000;
/** SHCSR.USGFAULTENA (bit 18). */
export const SHCSR_USGFAULTENA = 0x40000;
/** SHCSR.SECUREFAULTENA (bit 19). */
export const SHCSR_SECUREFAULTENA = 0x80000;
/** ICSR.NMIPENDSET (bit 31). */
export const ICSR_NMIPENDSET = 0x80000000;
/** ICSR.PENDSVSET (bit 28). */
export const ICSR_PENDSVSET = 0x10000000;
/** ICSR.PENDSVCLR (bit 27). */
export const ICSR_PENDSVCLR = 0x08000000;
/** ICSR.PENDSTSET (bit 26). */
export const ICSR_PENDSTSET = 0x04000000;
/** ICSR.PENDSTCLR (bit 25). */
export const ICSR_PENDSTCLR = 0x02000000;
/** ICSR.ISRPENDING (bit 22): an external interrupt is pending. */
export const ICSR_ISRPENDING = 0x00400000;
/** ICSR.VECTPENDING shift (bits [20:12]). */
export const ICSR_VECTPENDING_SHIFT = 12;
/** ICSR.RETTOBASE (bit 11): only one exception is active. */
export const ICSR_RETTOBASE = 0x800;
/** ICSR.VECTACTIVE mask (bits [8:0]). */
export const ICSR_VECTACTIVE_MASK = 0x1ff;
/** AIRCR.VECTKEY: writes must carry 0x05fa in bits [31:16]. */
export const AIRCR_VECTKEY = 0x05fa0000;
/** AIRCR.VECTKEYSTAT: reads return 0xfa05 in bits [31:16]. */
export const AIRCR_VECTKEYSTAT = 0xfa050000;
/** AIRCR.PRIGROUP shift (bits [10:8]). */
export const AIRCR_PRIGROUP_SHIFT = 8;
/** AIRCR.PRIGROUP mask. */
export const AIRCR_PRIGROUP_MASK = 0x700;

/** Execution-priority masks from the register file. */
export interface PriorityMasks {
  /** PRIMASK.PM. */
  readonly primask?: number;
  /** BASEPRI (0 = off). */
  readonly basepri?: number;
  /** FAULTMASK.FM. */
  readonly faultmask?: number;
}

/** Options of {@link Nvic}. */
export interface NvicOptions {
  /** Number of external interrupts (1..480). */
  readonly irqs: number;
  /** Implemented priority bits (3..8 on Armv8-M Mainline; 3 on the STM32L5). Defaults to 3. */
  readonly priorityBits?: number;
}

/** SHCSR active/pending/enable bits: [bit, exception, which state]. */
const SHCSR_BITS: readonly (readonly [number, number, 'active' | 'pending' | 'enabled'])[] = [
  [0, 4, 'active'],
  [1, 5, 'active'],
  [2, 3, 'active'],
  [3, 6, 'active'],
  [4, 7, 'active'],
  [5, 2, 'active'],
  [7, 11, 'active'],
  [8, 12, 'active'],
  [10, 14, 'active'],
  [11, 15, 'active'],
  [12, 6, 'pending'],
  [13, 4, 'pending'],
  [14, 5, 'pending'],
  [15, 11, 'pending'],
  [16, 4, 'enabled'],
  [17, 5, 'enabled'],
  [18, 6, 'enabled'],
  [19, 7, 'enabled'],
];

/** How a synchronous fault is taken: as itself, escalated to HardFault, or as lockup. */
export type FaultEntry =
  | { readonly kind: 'taken'; readonly exception: number }
  | { readonly kind: 'escalated'; readonly exception: ExceptionNumber.HardFault }
  | { readonly kind: 'lockup' };

/** Priority of an exception slot that no register can change: Reset -3, NMI -2, HardFault -1. */
const FIXED: Readonly<Record<number, number>> = { 1: -3, 2: -2, 3: -1 };

/** A model of the NVIC plus the SCB's priority registers. Reset: everything 0 and disabled. */
export class Nvic {
  /** Number of external interrupts. */
  readonly irqs: number;
  /** Implemented priority bits. */
  readonly priorityBits: number;
  private readonly enabled: Uint8Array;
  private readonly pending: Uint8Array;
  private readonly active: Uint8Array;
  private readonly priority: Uint8Array;
  private prigroup = 0;

  /** @param options - interrupt count and implemented priority bits. */
  constructor(options: NvicOptions) {
    const { irqs } = options;
    const bits = options.priorityBits ?? 3;
    if (!Number.isInteger(irqs) || irqs < 1 || irqs > 480) {
      throw new InterruptError('bad-value', `irqs ${irqs} is not 1..480`);
    }
    if (!Number.isInteger(bits) || bits < 2 || bits > 8) {
      throw new InterruptError('bad-value', `priorityBits ${bits} is not 2..8`);
    }
    this.irqs = irqs;
    this.priorityBits = bits;
    const n = IRQ_BASE + irqs;
    this.enabled = new Uint8Array(n);
    this.pending = new Uint8Array(n);
    this.active = new Uint8Array(n);
    this.priority = new Uint8Array(n);
    // System exceptions that cannot be disabled behave as enabled; MemManage, BusFault,
    // UsageFault and SecureFault start disabled (SHCSR.*ENA reset to 0) and escalate to HardFault.
    for (const e of [1, 2, 3, 11, 12, 14, 15]) this.enabled[e] = 1;
  }

  /** The highest exception number plus one. */
  get exceptionCount(): number {
    return IRQ_BASE + this.irqs;
  }

  /** AIRCR.PRIGROUP. */
  get priorityGroup(): number {
    return this.prigroup;
  }

  /** The mask of the group-priority bits of an 8-bit priority under the current PRIGROUP. */
  get groupMask(): number {
    return (0xff << (this.prigroup + 1)) & 0xff;
  }

  /** The stored priority of an exception (unimplemented low bits read as zero), or its fixed negative one. */
  priorityOf(exception: number): number {
    this.check(exception);
    return FIXED[exception] ?? this.priority[exception]!;
  }

  /** Sets the priority of a configurable exception; unimplemented low bits are dropped. */
  setPriority(exception: number, value: number): void {
    this.check(exception);
    if (FIXED[exception] !== undefined) {
      throw new InterruptError(
        'bad-exception-number',
        `exception ${exception} has a fixed priority`,
      );
    }
    this.priority[exception] = value & ((0xff << (8 - this.priorityBits)) & 0xff);
  }

  /** The group priority (preemption level) of an exception. */
  groupPriority(exception: number): number {
    const p = this.priorityOf(exception);
    return p < 0 ? p : p & this.groupMask;
  }

  /** Enables or disables an exception (external interrupts; MemManage/BusFault/UsageFault/SecureFault via SHCSR). */
  setEnabled(exception: number, on: boolean): void {
    this.check(exception);
    this.enabled[exception] = on ? 1 : 0;
  }

  /** Marks an exception pending (or not). */
  setPending(exception: number, on: boolean): void {
    this.check(exception);
    this.pending[exception] = on ? 1 : 0;
  }

  /** Whether an exception is enabled, pending, active. */
  state(exception: number): { enabled: boolean; pending: boolean; active: boolean } {
    this.check(exception);
    return {
      enabled: this.enabled[exception] === 1,
      pending: this.pending[exception] === 1,
      active: this.active[exception] === 1,
    };
  }

  /**
   * The execution priority: the lowest group priority among active exceptions (256 when none),
   * lowered by BASEPRI (its group-priority part, when non-zero), PRIMASK (to 0) and FAULTMASK (to -1).
   */
  executionPriority(masks: PriorityMasks = {}): number {
    let p = 256;
    for (let e = 1; e < this.exceptionCount; e++) {
      if (this.active[e] === 1) p = Math.min(p, this.groupPriority(e));
    }
    const basepri = (masks.basepri ?? 0) & 0xff & ((0xff << (8 - this.priorityBits)) & 0xff);
    if (basepri !== 0) p = Math.min(p, basepri & this.groupMask);
    if ((masks.primask ?? 0) & 1) p = Math.min(p, 0);
    if ((masks.faultmask ?? 0) & 1) p = Math.min(p, -1);
    return p;
  }

  /**
   * The highest-priority pending and enabled exception: lowest group priority, then lowest
   * subpriority (the whole priority value), then lowest exception number. Undefined when none.
   */
  highestPending(): number | undefined {
    let best: number | undefined;
    let bestGroup = 0;
    let bestPriority = 0;
    for (let e = 1; e < this.exceptionCount; e++) {
      if (this.pending[e] !== 1 || this.enabled[e] !== 1) continue;
      const g = this.groupPriority(e);
      const p = this.priorityOf(e);
      if (best === undefined || g < bestGroup || (g === bestGroup && p < bestPriority)) {
        best = e;
        bestGroup = g;
        bestPriority = p;
      }
    }
    return best;
  }

  /**
   * The exception that preempts now, if any: the highest pending one whose group priority is
   * strictly higher (numerically lower) than the execution priority. Ask again at the vector fetch
   * to model late arrival: a higher-priority exception pended during stacking is then returned
   * instead, and the first stays pending.
   */
  preemptingException(masks: PriorityMasks = {}): number | undefined {
    const e = this.highestPending();
    if (e === undefined) return undefined;
    return this.groupPriority(e) < this.executionPriority(masks) ? e : undefined;
  }

  /** Exception entry: the exception becomes active and stops being pending. */
  acknowledge(exception: number): void {
    this.check(exception);
    this.pending[exception] = 0;
    this.active[exception] = 1;
  }

  /**
   * Exception return: deactivates `exception`, then answers which exception to tail-chain into
   * (taken without unstacking and restacking), judged against the priority of the context being
   * returned to; undefined means the frame is unstacked.
   */
  complete(exception: number, masks: PriorityMasks = {}): number | undefined {
    this.check(exception);
    this.active[exception] = 0;
    return this.preemptingException(masks);
  }

  /**
   * Raises a synchronous fault (MemManage, BusFault, UsageFault, SecureFault, or SVCall for an SVC):
   * it is pended and taken if enabled and able to preempt the current execution priority;
   * otherwise it escalates to HardFault (the caller sets HFSR.FORCED), and a fault at execution
   * priority -1 or below is a lockup.
   */
  raiseSynchronous(exception: number, masks: PriorityMasks = {}): FaultEntry {
    this.check(exception);
    const exec = this.executionPriority(masks);
    if (this.enabled[exception] === 1 && this.groupPriority(exception) < exec) {
      this.pending[exception] = 1;
      return { kind: 'taken', exception };
    }
    if (exec <= -1) return { kind: 'lockup' };
    this.pending[ExceptionNumber.HardFault] = 1;
    return { kind: 'escalated', exception: ExceptionNumber.HardFault };
  }

  /** Reads an NVIC or SCB priority register by address. */
  read(address: number): number {
    const a = address >>> 0;
    const bank = this.bankOf(a);
    if (bank !== undefined) {
      const arr = [this.enabled, this.enabled, this.pending, this.pending, this.active][bank.kind]!;
      let v = 0;
      for (let bit = 0; bit < 32; bit++) {
        const e = IRQ_BASE + bank.index * 32 + bit;
        if (e < this.exceptionCount && arr[e] === 1) v |= 1 << bit;
      }
      return v >>> 0;
    }
    if ((a & 3) === 0 && a >= NVIC_IPR0 && a < NVIC_IPR0 + 480) {
      return this.readBytes(IRQ_BASE + (a - NVIC_IPR0));
    }
    if ((a & 3) === 0 && a >= SCB_SHPR1 && a <= SCB_SHPR3)
      return this.readBytes(4 + (a - SCB_SHPR1));
    switch (a) {
      case SCB_SHCSR: {
        let v = 0;
        for (const [bit, e, kind] of SHCSR_BITS) {
          const arr =
            kind === 'active' ? this.active : kind === 'pending' ? this.pending : this.enabled;
          if (arr[e] === 1) v |= 1 << bit;
        }
        return v >>> 0;
      }
      case SCB_AIRCR:
        return (AIRCR_VECTKEYSTAT | (this.prigroup << AIRCR_PRIGROUP_SHIFT)) >>> 0;
      case SCB_ICSR: {
        let active = 0;
        let count = 0;
        for (let e = 1; e < this.exceptionCount; e++) {
          if (this.active[e] === 1) {
            count++;
            active = e;
          }
        }
        const pending = this.highestPending() ?? 0;
        let isr = false;
        for (let e = IRQ_BASE; e < this.exceptionCount; e++) if (this.pending[e] === 1) isr = true;
        return (
          ((this.pending[ExceptionNumber.NMI] === 1 ? ICSR_NMIPENDSET : 0) |
            (this.pending[ExceptionNumber.PendSV] === 1 ? ICSR_PENDSVSET : 0) |
            (this.pending[ExceptionNumber.SysTick] === 1 ? ICSR_PENDSTSET : 0) |
            (isr ? ICSR_ISRPENDING : 0) |
            (pending << ICSR_VECTPENDING_SHIFT) |
            (count <= 1 ? ICSR_RETTOBASE : 0) |
            active) >>>
          0
        );
      }
      default:
        throw this.notRegister(a);
    }
  }

  /** Writes an NVIC or SCB priority register by address. */
  write(address: number, value: number): void {
    const a = address >>> 0;
    const v = value >>> 0;
    const bank = this.bankOf(a);
    if (bank !== undefined) {
      if (bank.kind === 4) throw new InterruptError('not-a-register', 'NVIC_IABR is read-only');
      const arr = bank.kind < 2 ? this.enabled : this.pending;
      const set = bank.kind % 2 === 0 ? 1 : 0;
      for (let bit = 0; bit < 32; bit++) {
        const e = IRQ_BASE + bank.index * 32 + bit;
        if (((v >>> bit) & 1) === 1 && e < this.exceptionCount) arr[e] = set;
      }
      return;
    }
    if ((a & 3) === 0 && a >= NVIC_IPR0 && a < NVIC_IPR0 + 480) {
      this.writeBytes(IRQ_BASE + (a - NVIC_IPR0), v);
      return;
    }
    if ((a & 3) === 0 && a >= SCB_SHPR1 && a <= SCB_SHPR3) {
      this.writeBytes(4 + (a - SCB_SHPR1), v);
      return;
    }
    switch (a) {
      case NVIC_STIR: {
        const irq = v & 0x1ff;
        if (irq < this.irqs) this.pending[IRQ_BASE + irq] = 1;
        return;
      }
      case SCB_SHCSR:
        for (const [bit, e, kind] of SHCSR_BITS) {
          const arr =
            kind === 'active' ? this.active : kind === 'pending' ? this.pending : this.enabled;
          arr[e] = (v >>> bit) & 1;
        }
        return;
      case SCB_AIRCR:
        // Writes without the key are ignored, as on hardware.
        if ((v & 0xffff0000) >>> 0 === AIRCR_VECTKEY) {
          this.prigroup = (v & AIRCR_PRIGROUP_MASK) >>> AIRCR_PRIGROUP_SHIFT;
        }
        return;
      case SCB_ICSR:
        if (v & ICSR_NMIPENDSET) this.pending[ExceptionNumber.NMI] = 1;
        if (v & ICSR_PENDSVSET) this.pending[ExceptionNumber.PendSV] = 1;
        else if (v & ICSR_PENDSVCLR) this.pending[ExceptionNumber.PendSV] = 0;
        if (v & ICSR_PENDSTSET) this.pending[ExceptionNumber.SysTick] = 1;
        else if (v & ICSR_PENDSTCLR) this.pending[ExceptionNumber.SysTick] = 0;
        return;
      default:
        throw this.notRegister(a);
    }
  }

  private readBytes(base: number): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const e = base + i;
      if (e >= 4 && e < this.exceptionCount && FIXED[e] === undefined)
        v |= this.priority[e]! << (8 * i);
    }
    return v >>> 0;
  }

  private writeBytes(base: number, value: number): void {
    for (let i = 0; i < 4; i++) {
      const e = base + i;
      // Reserved system slots (7-10, 13) are RAZ/WI here; SecureFault's slot is 7.
      if (e >= 4 && e < this.exceptionCount && (e < 8 || e === 11 || e === 12 || e >= 14)) {
        this.priority[e] = (value >>> (8 * i)) & 0xff & ((0xff << (8 - this.priorityBits)) & 0xff);
      }
    }
  }

  private bankOf(a: number): { kind: number; index: number } | undefined {
    if (a < NVIC_ISER0 || a >= NVIC_IPR0 || (a & 3) !== 0) return undefined;
    const kind = Math.floor((a - NVIC_ISER0) / 0x80);
    const index = ((a - NVIC_ISER0) % 0x80) >> 2;
    if (kind > 4 || index > 15) return undefined;
    return { kind, index };
  }

  private check(exception: number): void {
    if (!Number.isInteger(exception) || exception < 1 || exception >= this.exceptionCount) {
      throw new InterruptError(
        'bad-exception-number',
        `exception ${exception} does not exist (1..${this.exceptionCount - 1}; IRQ n is ${IRQ_BASE} + n)`,
      );
    }
  }

  private notRegister(a: number): InterruptError {
    return new InterruptError(
      'not-a-register',
      `0x${a.toString(16)} is not an NVIC/SCB register of this model`,
    );
  }
}
