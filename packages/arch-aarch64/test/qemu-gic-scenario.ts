// The GICv3 + timer sequence shared by the QEMU fixture (fixtures/qemu-gic) and its test: a list
// of register operations; every read is recorded. On QEMU the program runs them on the virt
// board's GICv3 (GICD at 0x08000000, GICR at 0x080A0000) and the EL1 physical timer; the test
// runs them on Gic + GenericTimer and compares every value read.

/** One operation; `reg` names a system register for `sysr`/`sysw`. */
export type GicOp =
  | { op: 'dw' | 'rw'; off: number; value: number } // GICD / GICR 32-bit write
  | { op: 'dr' | 'rr'; off: number } // GICD / GICR 32-bit read (recorded)
  | { op: 'db'; off: number; value: number } // GICD byte write
  | { op: 'sysw'; reg: SysReg; value: number }
  | { op: 'sysr'; reg: SysReg } // recorded
  | { op: 'sgi'; intid: number; targets: number } // ICC_SGI1R_EL1
  | { op: 'timer'; ctl: number; fireNow: boolean }; // CVAL = now (fires) or far future, then CTL

/** ICC_* registers used, in the C program's numbering. */
export const SYSREGS = ['IAR1', 'EOIR1', 'PMR', 'BPR1', 'RPR', 'HPPIR1', 'CTLR', 'DIR'] as const;
/** A system register name. */
export type SysReg = (typeof SYSREGS)[number];

const GICD_IGROUPR1 = 0x84;
const GICD_ISENABLER1 = 0x104;
const GICD_ISPENDR1 = 0x204;
const GICD_IPRIORITYR = 0x400;
const GICR_IGROUPR0 = 0x1_0080;
const GICR_ISENABLER0 = 0x1_0100;
const GICR_ISPENDR0 = 0x1_0200;
const GICR_ISACTIVER0 = 0x1_0300;
const GICR_IPRIORITYR = 0x1_0400;
const GICR_ICFGR1 = 0x1_0c04;

const ack = (): GicOp => ({ op: 'sysr', reg: 'IAR1' });
const eoi = (intid: number): GicOp => ({ op: 'sysw', reg: 'EOIR1', value: intid });
const rpr = (): GicOp => ({ op: 'sysr', reg: 'RPR' });
const prio = (intid: number, value: number): GicOp => ({
  op: 'db',
  off: GICD_IPRIORITYR + intid,
  value,
});
const pend = (intid: number): GicOp => ({ op: 'dw', off: GICD_ISPENDR1, value: 1 << (intid - 32) });

/** The sequence. The program has already woken the redistributor and enabled Group 1. */
export const GIC_SEQUENCE: readonly GicOp[] = [
  // Group 1 for SPIs 32-63 and all SGIs/PPIs; enable SPIs 33-38, SGI 5 and PPI 30.
  { op: 'dw', off: GICD_IGROUPR1, value: 0xffff_ffff },
  { op: 'rw', off: GICR_IGROUPR0, value: 0xffff_ffff },
  { op: 'dw', off: GICD_ISENABLER1, value: 0x7e },
  { op: 'rw', off: GICR_ISENABLER0, value: (1 << 5) | (1 << 30) },
  { op: 'sysw', reg: 'PMR', value: 0xff },
  { op: 'sysr', reg: 'PMR' },
  { op: 'sysr', reg: 'BPR1' },
  prio(33, 0x80),
  prio(34, 0x40),
  prio(35, 0x78),
  prio(36, 0x50),
  prio(37, 0x50),
  prio(38, 0x90),
  { op: 'dr', off: GICD_IPRIORITYR + 32 },
  // Two pending: highest priority first; the lower one waits for the EOI.
  pend(33),
  pend(34),
  { op: 'sysr', reg: 'HPPIR1' },
  ack(),
  rpr(),
  ack(),
  eoi(34),
  rpr(),
  ack(),
  rpr(),
  // Preemption by group priority: 0x78 preempts 0x80 with the minimum BPR1 ...
  pend(35),
  ack(),
  rpr(),
  eoi(35),
  // ... but not with BPR1 = 5 ([7:5]: 0x60 vs 0x80 still preempts) or 0x90 at all.
  { op: 'sysw', reg: 'BPR1', value: 5 },
  { op: 'sysr', reg: 'BPR1' },
  pend(38),
  ack(),
  eoi(33),
  rpr(),
  ack(),
  eoi(38),
  { op: 'sysw', reg: 'BPR1', value: 0 },
  { op: 'sysr', reg: 'BPR1' },
  // PMR: strictly lower priority values only.
  { op: 'sysw', reg: 'PMR', value: 0x40 },
  pend(34),
  ack(),
  { op: 'sysw', reg: 'PMR', value: 0x48 },
  ack(),
  eoi(34),
  { op: 'sysw', reg: 'PMR', value: 0xff },
  // Equal priorities: the lower INTID first.
  pend(37),
  pend(36),
  ack(),
  eoi(36),
  ack(),
  eoi(37),
  // SGI 5 to this PE.
  { op: 'rw', off: GICR_IPRIORITYR + 4, value: 0x0000_2000 }, // SGI 5 priority 0x20
  { op: 'sgi', intid: 5, targets: 1 },
  ack(),
  eoi(5),
  ack(),
  // The timer on PPI 30 (level): pending while ISTATUS and not IMASK.
  { op: 'rr', off: GICR_ICFGR1 },
  { op: 'rw', off: GICR_IPRIORITYR + 28, value: 0x0030_0000 }, // PPI 30 priority 0x30
  { op: 'timer', ctl: 1, fireNow: true },
  ack(),
  { op: 'rr', off: GICR_ISPENDR0 },
  { op: 'rr', off: GICR_ISACTIVER0 },
  eoi(30),
  ack(),
  { op: 'timer', ctl: 3, fireNow: true }, // IMASK: the line drops
  eoi(30),
  ack(),
  { op: 'rr', off: GICR_ISPENDR0 },
  // EOImode = 1: EOI drops priority only; DIR deactivates.
  { op: 'sysw', reg: 'CTLR', value: 2 },
  pend(33),
  ack(),
  eoi(33),
  rpr(),
  pend(33),
  ack(),
  { op: 'sysw', reg: 'DIR', value: 33 },
  ack(),
  eoi(33),
  { op: 'sysw', reg: 'DIR', value: 33 },
  ack(),
];
