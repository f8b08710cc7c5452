// Error codes returned by kernel-object invocations, numbered as in seL4, with the layout of the
// detail words that follow them in the reply's message registers. Relies on nothing.

/**
 * Invocation error codes (seL4 numbering). An invocation done with Call returns the code as the
 * label of the reply's message-info word, with details in MR0.. (see {@link ERROR_TABLE}).
 * @public
 */
export const KernelError = {
  NoError: 0,
  InvalidArgument: 1,
  InvalidCapability: 2,
  IllegalOperation: 3,
  RangeError: 4,
  AlignmentError: 5,
  FailedLookup: 6,
  TruncatedMessage: 7,
  DeleteFirst: 8,
  RevokeFirst: 9,
  NotEnoughMemory: 10,
} as const;

/** An invocation error code. @public */
export type KernelError = (typeof KernelError)[keyof typeof KernelError];

/** The name of an error code. @public */
export type KernelErrorName = keyof typeof KernelError;

/** One row of the error table. @public */
export interface ErrorDescriptor {
  /** The error's name. */
  readonly name: KernelErrorName;
  /** Its code. */
  readonly code: KernelError;
  /** Names of the detail words in MR0.., in order. */
  readonly detail: readonly string[];
  /** What it means. */
  readonly summary: string;
}

/** The error table. @public */
export const ERROR_TABLE: readonly ErrorDescriptor[] = [
  { name: 'NoError', code: 0, detail: [], summary: 'The invocation succeeded.' },
  {
    name: 'InvalidArgument',
    code: 1,
    detail: ['argumentNumber'],
    summary: 'A message-register argument is out of its domain; MR0 says which.',
  },
  {
    name: 'InvalidCapability',
    code: 2,
    detail: ['capabilityIndex'],
    summary:
      'A capability argument (0 = the invoked one, 1.. = extra caps) has the wrong type or rights.',
  },
  {
    name: 'IllegalOperation',
    code: 3,
    detail: [],
    summary: 'The operation is not allowed on this object in its current state.',
  },
  {
    name: 'RangeError',
    code: 4,
    detail: ['minimum', 'maximum'],
    summary: 'A numeric argument is outside [MR0, MR1].',
  },
  {
    name: 'AlignmentError',
    code: 5,
    detail: [],
    summary: 'An address or size is not suitably aligned.',
  },
  {
    name: 'FailedLookup',
    code: 6,
    detail: [
      'failedLookupWasSource',
      'lookupFailureType',
      'lookupDetail0',
      'lookupDetail1',
      'lookupDetail2',
    ],
    summary: 'A capability address did not resolve; the lookup-failure description follows.',
  },
  {
    name: 'TruncatedMessage',
    code: 7,
    detail: [],
    summary: 'The message has fewer arguments or extra caps than the method needs.',
  },
  {
    name: 'DeleteFirst',
    code: 8,
    detail: [],
    summary: 'A destination slot is occupied; delete its capability first.',
  },
  {
    name: 'RevokeFirst',
    code: 9,
    detail: [],
    summary: 'The capability has derived children; revoke it first.',
  },
  {
    name: 'NotEnoughMemory',
    code: 10,
    detail: ['bytesAvailable'],
    summary: 'The untyped object has too little free memory; MR0 is what is left.',
  },
];

/** The name of an error code, or `Unknown(n)`. @public */
export function errorName(code: number): string {
  return ERROR_TABLE[code]?.name ?? `Unknown(${code})`;
}
