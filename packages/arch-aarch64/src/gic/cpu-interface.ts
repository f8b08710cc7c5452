// The GICv3 CPU interface through system registers, Group 1 only: ICC_IAR1_EL1 (acknowledge the
// highest-priority pending interrupt, 1023 when none may be taken), ICC_EOIR1_EL1 (priority drop,
// plus deactivation when EOImode = 0), ICC_DIR_EL1, ICC_PMR_EL1, ICC_BPR1_EL1, ICC_RPR_EL1,
// ICC_HPPIR1_EL1, ICC_CTLR_EL1.EOImode, ICC_IGRPEN1_EL1 and ICC_SGI1R_EL1. The running priority
// is the group priority of the most recent un-dropped acknowledge (the active-priority stack);
// a pending interrupt preempts only when its group priority, per BPR1, is below it. Group 0
// (ICC_IAR0_EL1, FIQs) is not modelled. Relies on state.ts and errors.ts.

import { Aarch64Error } from '../errors';
import { type GicState, INTID_SPURIOUS, PPI_BASE } from './state';

/** ICC_CTLR_EL1.EOImode [1]. */
export const ICC_CTLR_EOIMODE = 1 << 1;
/** ICC_SGI1R_EL1.TargetList [15:0]. */
export const ICC_SGI1R_TARGETLIST_SHIFT = 0;
/** ICC_SGI1R_EL1.Aff1 [23:16]. */
export const ICC_SGI1R_AFF1_SHIFT = 16;
/** ICC_SGI1R_EL1.INTID [27:24]. */
export const ICC_SGI1R_INTID_SHIFT = 24;
/** ICC_SGI1R_EL1.Aff2 [39:32]. */
export const ICC_SGI1R_AFF2_SHIFT = 32;
/** ICC_SGI1R_EL1.IRM [40]: 1 = every PE except this one. */
export const ICC_SGI1R_IRM_BIT = 40;
/** ICC_SGI1R_EL1.RS [47:44]. */
export const ICC_SGI1R_RS_SHIFT = 44;
/** ICC_SGI1R_EL1.Aff3 [55:48]. */
export const ICC_SGI1R_AFF3_SHIFT = 48;

/** CPU interface statistics. */
export interface GicCpuCounters {
  /** Acknowledges that returned an INTID. */
  acknowledged: number;
  /** Acknowledges that returned 1023. */
  spurious: number;
  /** EOIs. */
  eois: number;
}

/** The CPU interface of one PE. */
export class GicCpuInterface {
  /** Statistics. */
  readonly counters: GicCpuCounters = { acknowledged: 0, spurious: 0, eois: 0 };
  /** ICC_IGRPEN1_EL1.Enable. */
  groupEnable = false;
  /** ICC_CTLR_EL1.EOImode: false = EOIR also deactivates. */
  eoiMode = false;
  private pmr = 0;
  private bpr: number;
  private readonly minBpr: number;
  /** Active priorities (group priorities), most recent last. */
  private readonly activePriorities: number[] = [];
  /** The INTIDs acknowledged and not yet priority-dropped, parallel to activePriorities. */
  private readonly activeIds: number[] = [];

  /** @param state - the shared interrupt state */
  constructor(private readonly state: GicState) {
    // The minimum binary point of Group 0 is 7 - implemented bits (at least 0); Group 1's is one
    // more. BPR1 resets to its minimum.
    this.minBpr = Math.max(0, 7 - state.priorityBits) + 1;
    this.bpr = this.minBpr;
  }

  /** ICC_PMR_EL1: only interrupts with a priority value below it are signalled. */
  get priorityMask(): number {
    return this.pmr;
  }

  set priorityMask(value: number) {
    this.pmr = value & this.state.priorityMask;
  }

  /** ICC_BPR1_EL1: the group priority is priority bits [7:BPR1]. Writes below the minimum read as it. */
  get binaryPoint(): number {
    return this.bpr;
  }

  set binaryPoint(value: number) {
    this.bpr = Math.min(7, Math.max(this.minBpr, value & 7));
  }

  /** ICC_RPR_EL1: the running priority, 0xFF when idle. */
  get runningPriority(): number {
    return this.activePriorities.at(-1) ?? 0xff;
  }

  /** The group priority of a priority value under the current BPR1. */
  groupPriority(priority: number): number {
    return priority & (0xff << this.bpr) & 0xff;
  }

  /** ICC_HPPIR1_EL1: the highest-priority pending Group 1 INTID (ignores PMR and preemption). */
  readHppir1(): number {
    if (!this.groupEnable) return INTID_SPURIOUS;
    const id = this.state.highestPendingGroup1();
    return id < 0 ? INTID_SPURIOUS : id;
  }

  /** Whether the IRQ output to the PE is asserted (what IAR1 would acknowledge now). */
  get irqPending(): boolean {
    return this.candidate() >= 0;
  }

  /**
   * ICC_IAR1_EL1 read: acknowledges the highest-priority pending interrupt if its priority is
   * below PMR and its group priority below the running priority: it becomes active (an edge
   * latch is consumed; a level interrupt whose line is high stays pending too), and the running
   * priority becomes its group priority. Otherwise returns 1023 and changes nothing.
   */
  readIar1(): number {
    const id = this.candidate();
    if (id < 0) {
      this.counters.spurious++;
      return INTID_SPURIOUS;
    }
    const s = this.state;
    s.active[id] = 1;
    s.pendingLatch[id] = 0;
    this.activePriorities.push(this.groupPriority(s.priority[id]!));
    this.activeIds.push(id);
    this.counters.acknowledged++;
    return id;
  }

  /**
   * ICC_EOIR1_EL1 write: drops the running priority (the most recent acknowledge) and, with
   * EOImode = 0, deactivates `intid`. Throws `bad-register` for an EOI out of order or of an
   * INTID that was not acknowledged (UNPREDICTABLE on hardware); 1023 is ignored.
   */
  writeEoir1(intid: number): void {
    if (intid === INTID_SPURIOUS) return;
    if (this.activeIds.at(-1) !== intid) {
      throw new Aarch64Error(
        'bad-register',
        `EOI of INTID ${intid}, but the most recent acknowledged interrupt is ${this.activeIds.at(-1) ?? 'none'}: EOIs must be in reverse order of acknowledges`,
      );
    }
    this.activeIds.pop();
    this.activePriorities.pop();
    if (!this.eoiMode) this.state.active[intid] = 0;
    this.counters.eois++;
  }

  /** ICC_DIR_EL1 write: deactivates `intid` (meaningful with EOImode = 1). */
  writeDir(intid: number): void {
    if (this.state.has(intid)) this.state.active[intid] = 0;
  }

  /**
   * ICC_SGI1R_EL1 write: raises SGI INTID[27:24] on the PEs selected. This model has one PE with
   * affinity 0.0.0.0: it is targeted when IRM = 0, Aff3.Aff2.Aff1 = 0, RS = 0 and TargetList bit
   * 0 is set (IRM = 1 means every PE except the sender, so never this one).
   */
  writeSgi1r(value: bigint): void {
    const field = (shift: number, bits: number) =>
      Number((value >> BigInt(shift)) & ((1n << BigInt(bits)) - 1n));
    const intid = field(ICC_SGI1R_INTID_SHIFT, 4);
    if (field(ICC_SGI1R_IRM_BIT, 1) === 1) return;
    const aff =
      field(ICC_SGI1R_AFF1_SHIFT, 8) |
      field(ICC_SGI1R_AFF2_SHIFT, 8) |
      field(ICC_SGI1R_AFF3_SHIFT, 8);
    if (aff !== 0 || field(ICC_SGI1R_RS_SHIFT, 4) !== 0) return;
    if ((field(ICC_SGI1R_TARGETLIST_SHIFT, 16) & 1) === 1 && intid < PPI_BASE) {
      this.state.pendingLatch[intid] = 1;
    }
  }

  private candidate(): number {
    if (!this.groupEnable) return -1;
    const id = this.state.highestPendingGroup1();
    if (id < 0) return -1;
    const p = this.state.priority[id]!;
    if (p >= this.pmr) return -1;
    if (this.groupPriority(p) >= this.runningPriority) return -1;
    return id;
  }
}
