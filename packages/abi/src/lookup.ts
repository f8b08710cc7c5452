// Capability lookup failures: the kinds seL4 reports when a CPtr does not resolve, and the
// message words that describe each. Used in FailedLookup error details and in cap faults.
// Relies on nothing.

/** Lookup-failure kinds (seL4 numbering). @public */
export const LookupFailure = {
  NoFailure: 0,
  InvalidRoot: 1,
  MissingCapability: 2,
  DepthMismatch: 3,
  GuardMismatch: 4,
} as const;

/** A lookup-failure kind. @public */
export type LookupFailure = (typeof LookupFailure)[keyof typeof LookupFailure];

/** One row of the lookup-failure table. @public */
export interface LookupFailureDescriptor {
  /** The kind's name. */
  readonly name: keyof typeof LookupFailure;
  /** Its number. */
  readonly kind: LookupFailure;
  /** Names of the words that follow the kind in a message. */
  readonly detail: readonly string[];
  /** What it means. */
  readonly summary: string;
}

/** The lookup-failure table. @public */
export const LOOKUP_FAILURE_TABLE: readonly LookupFailureDescriptor[] = [
  { name: 'NoFailure', kind: 0, detail: [], summary: 'No failure.' },
  {
    name: 'InvalidRoot',
    kind: 1,
    detail: [],
    summary: 'The CSpace root is not a CNode capability.',
  },
  {
    name: 'MissingCapability',
    kind: 2,
    detail: ['bitsLeft'],
    summary: 'The address resolved to a slot that is empty or of the wrong type.',
  },
  {
    name: 'DepthMismatch',
    kind: 3,
    detail: ['bitsLeft', 'bitsFound'],
    summary: 'A CNode on the way needs more bits than are left, or the depth is out of range.',
  },
  {
    name: 'GuardMismatch',
    kind: 4,
    detail: ['bitsLeft', 'guardFound', 'guardSize'],
    summary: 'The address bits do not match a CNode guard.',
  },
];
