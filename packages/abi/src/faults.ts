// Fault messages: the label a faulting thread's message carries to its fault endpoint, and the
// meaning of each message register. Layouts are architecture-neutral (K5 names the fault IP and
// SP instead of seL4's per-architecture register lists). Relies on nothing.

/** Fault labels (seL4 order; K5 numbers VMFault 4, Timeout 5 and adds Panic 6). @public */
export const FaultLabel = {
  NullFault: 0,
  CapFault: 1,
  UnknownSyscall: 2,
  UserException: 3,
  VmFault: 4,
  Timeout: 5,
  Panic: 6,
} as const;

/** A fault label. @public */
export type FaultLabel = (typeof FaultLabel)[keyof typeof FaultLabel];

/** One fault message layout: MR i carries `words[i]`. @public */
export interface FaultLayout {
  /** The fault's name. */
  readonly name: keyof typeof FaultLabel;
  /** Its label. */
  readonly label: FaultLabel;
  /** The MR names in order. */
  readonly words: readonly string[];
  /** When it is raised. */
  readonly summary: string;
}

/** Fault message layouts. @public */
export const FAULT_LAYOUTS: readonly FaultLayout[] = [
  { name: 'NullFault', label: 0, words: [], summary: 'No fault.' },
  {
    name: 'CapFault',
    label: 1,
    words: [
      'ip',
      'address',
      'inReceivePhase',
      'lookupFailureType',
      'lookupDetail0',
      'lookupDetail1',
      'lookupDetail2',
    ],
    summary: 'A syscall named a capability that does not resolve or lacks the rights.',
  },
  {
    name: 'UnknownSyscall',
    label: 2,
    words: ['ip', 'sp', 'syscall', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6'],
    summary: 'The syscall number is not in the syscall table.',
  },
  {
    name: 'UserException',
    label: 3,
    words: ['ip', 'sp', 'number', 'code'],
    summary: 'The CPU raised an exception other than a memory fault (a host task threw).',
  },
  {
    name: 'VmFault',
    label: 4,
    words: ['ip', 'address', 'isInstructionFetch', 'status'],
    summary: "A memory access outside the thread's mapped regions or rights.",
  },
  {
    name: 'Timeout',
    label: 5,
    words: ['badge', 'consumedLow', 'consumedHigh'],
    summary: 'The scheduling context ran out of budget (MCS).',
  },
  {
    name: 'Panic',
    label: 6,
    words: ['ip', 'length'],
    summary: 'K5: the thread called Panic; the message bytes follow from MR2, packed.',
  },
];

/** Index of each named word in a fault message, keyed `Fault.word`, for typed access. @public */
export function faultWordIndex(label: FaultLabel, word: string): number {
  return FAULT_LAYOUTS[label]?.words.indexOf(word) ?? -1;
}

/**
 * How a fault handler's reply resumes the faulting thread (K5; seL4 handleFaultReply). A reply
 * with label 0 resumes it; any other label leaves it stopped (Inactive). The reply's MR i, for
 * i below its length, overwrites the register named `FAULT_REPLY_REGISTERS[i]`: `ip` and `sp`
 * are the convention's PC and SP, `a0`..`a6` its seven argument slots. A reply of length 0
 * resumes with the registers unchanged. Unlike seL4 the layout is the same for every fault.
 * @public
 */
export const FAULT_REPLY_REGISTERS: readonly string[] = [
  'ip',
  'sp',
  'a0',
  'a1',
  'a2',
  'a3',
  'a4',
  'a5',
  'a6',
];

/**
 * Where a resumed thread continues, by fault label: `retry` re-executes the faulting syscall or
 * instruction (cap faults, CPU exceptions, memory faults), `continue` returns from the trap as
 * if it had completed (unknown syscalls the handler emulated, timeouts, panics). @public
 */
export const FAULT_RESUME: readonly ('retry' | 'continue')[] = [
  'retry', // NullFault
  'retry', // CapFault
  'continue', // UnknownSyscall
  'retry', // UserException
  'retry', // VmFault
  'continue', // Timeout
  'continue', // Panic
];
