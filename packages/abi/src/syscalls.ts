// The system-call table: numbers, names and which register slot carries what.
// Everything that issues or decodes a syscall (the kernel dispatcher, the userspace stubs, the C
// header) reads this table, so a number is defined exactly once. Relies on nothing.

/**
 * System-call numbers. seL4 (MCS) numbers the same calls -1 to -11 in this order; K5 uses
 * non-negative numbers because the number travels in an unsigned register, and adds
 * `Log`, `DebugPutChar` and `Panic` from 16 up.
 * @public
 */
export const Syscall = {
  Call: 0,
  ReplyRecv: 1,
  NBSendRecv: 2,
  NBSendWait: 3,
  Send: 4,
  NBSend: 5,
  Recv: 6,
  NBRecv: 7,
  Wait: 8,
  NBWait: 9,
  Yield: 10,
  Log: 16,
  DebugPutChar: 17,
  Panic: 18,
} as const;

/** A system-call number. @public */
export type Syscall = (typeof Syscall)[keyof typeof Syscall];

/** The name of a system call. @public */
export type SyscallName = keyof typeof Syscall;

/**
 * What one argument register slot carries for a syscall.
 * `cptr`: the capability invoked (send destination, or receive source for receive-phase calls);
 * `info`: the message-info word; `mr0`..`mr3`: message registers; `reply`: the Reply object
 * capability; `dest`: the send destination of NBSendRecv/NBSendWait; `level`/`length`/`char`:
 * arguments of the K5 debug calls; `unused`: nothing.
 * @public
 */
export type SyscallSlot =
  | 'cptr'
  | 'info'
  | 'mr0'
  | 'mr1'
  | 'mr2'
  | 'mr3'
  | 'reply'
  | 'dest'
  | 'level'
  | 'length'
  | 'char'
  | 'unused';

/** One row of the syscall table. @public */
export interface SyscallDescriptor {
  /** The syscall's name. */
  readonly name: SyscallName;
  /** Its number (in the convention's number register). */
  readonly number: Syscall;
  /** Whether it has a send phase. */
  readonly sends: boolean;
  /** Whether it has a receive phase (and so writes receive results). */
  readonly receives: boolean;
  /** Whether it blocks (false for the NB variants and the debug calls). */
  readonly blocking: boolean;
  /** What each of the seven argument slots carries, slot 0 first. */
  readonly arguments: readonly SyscallSlot[];
  /** One line saying what it does. */
  readonly summary: string;
}

/** The number of argument (and result) registers every K5 syscall convention has. @public */
export const SYSCALL_ARGUMENT_REGISTERS = 7;

/** The number of message registers that travel in CPU registers; the rest are in the IPC buffer. @public */
export const FAST_MESSAGE_REGISTERS = 4;

/** Message registers that travel in CPU registers for NBSendRecv and NBSendWait (slot 5 carries the destination). @public */
export const FAST_MESSAGE_REGISTERS_SEND_RECV = 3;

const SEND_ARGS: readonly SyscallSlot[] = ['cptr', 'info', 'mr0', 'mr1', 'mr2', 'mr3', 'unused'];
const SEND_RECV_ARGS: readonly SyscallSlot[] = [
  'cptr',
  'info',
  'mr0',
  'mr1',
  'mr2',
  'mr3',
  'reply',
];
const NB_SEND_RECV_ARGS: readonly SyscallSlot[] = [
  'cptr',
  'info',
  'mr0',
  'mr1',
  'mr2',
  'dest',
  'reply',
];
const RECV_ARGS: readonly SyscallSlot[] = [
  'cptr',
  'unused',
  'unused',
  'unused',
  'unused',
  'unused',
  'reply',
];
const NONE: readonly SyscallSlot[] = [
  'unused',
  'unused',
  'unused',
  'unused',
  'unused',
  'unused',
  'unused',
];

/**
 * The syscall table. Results of every receiving call come back in the same slots: slot 0 the
 * badge, slot 1 the message-info word, slots 2-5 MR0-MR3; further MRs are in the IPC buffer.
 * @public
 */
export const SYSCALL_TABLE: readonly SyscallDescriptor[] = [
  {
    name: 'Call',
    number: 0,
    sends: true,
    receives: true,
    blocking: true,
    arguments: SEND_ARGS,
    summary:
      'Send a message and wait for the reply through a one-off reply link (or invoke a kernel object and get its result).',
  },
  {
    name: 'ReplyRecv',
    number: 1,
    sends: true,
    receives: true,
    blocking: true,
    arguments: SEND_RECV_ARGS,
    summary: 'Reply through a Reply object, then wait on an endpoint with the same Reply object.',
  },
  {
    name: 'NBSendRecv',
    number: 2,
    sends: true,
    receives: true,
    blocking: true,
    arguments: NB_SEND_RECV_ARGS,
    summary: 'Send without blocking to `dest`, then wait on `cptr` with a Reply object.',
  },
  {
    name: 'NBSendWait',
    number: 3,
    sends: true,
    receives: true,
    blocking: true,
    arguments: ['cptr', 'info', 'mr0', 'mr1', 'mr2', 'dest', 'unused'],
    summary: 'Send without blocking to `dest`, then wait on `cptr` without a Reply object.',
  },
  {
    name: 'Send',
    number: 4,
    sends: true,
    receives: false,
    blocking: true,
    arguments: SEND_ARGS,
    summary:
      'Send a message, blocking until a receiver takes it (or invoke a kernel object, dropping errors).',
  },
  {
    name: 'NBSend',
    number: 5,
    sends: true,
    receives: false,
    blocking: false,
    arguments: SEND_ARGS,
    summary: 'Send a message only if a receiver is waiting; otherwise drop it.',
  },
  {
    name: 'Recv',
    number: 6,
    sends: false,
    receives: true,
    blocking: true,
    arguments: RECV_ARGS,
    summary: 'Wait for a message on an endpoint (or a signal on a notification).',
  },
  {
    name: 'NBRecv',
    number: 7,
    sends: false,
    receives: true,
    blocking: false,
    arguments: RECV_ARGS,
    summary: 'Take a message if one is waiting; otherwise return at once.',
  },
  {
    name: 'Wait',
    number: 8,
    sends: false,
    receives: true,
    blocking: true,
    arguments: ['cptr', 'unused', 'unused', 'unused', 'unused', 'unused', 'unused'],
    summary: 'Recv without a Reply object: a caller cannot be replied to.',
  },
  {
    name: 'NBWait',
    number: 9,
    sends: false,
    receives: true,
    blocking: false,
    arguments: ['cptr', 'unused', 'unused', 'unused', 'unused', 'unused', 'unused'],
    summary: 'Poll an endpoint or notification without a Reply object.',
  },
  {
    name: 'Yield',
    number: 10,
    sends: false,
    receives: false,
    blocking: false,
    arguments: NONE,
    summary: 'Move to the tail of the ready queue of the current priority.',
  },
  {
    name: 'Log',
    number: 16,
    sends: false,
    receives: false,
    blocking: false,
    arguments: ['level', 'length', 'mr0', 'mr1', 'mr2', 'mr3', 'unused'],
    summary:
      'K5: emit `length` log bytes (packed little-endian in MR0.., the rest in the IPC buffer) at a level.',
  },
  {
    name: 'DebugPutChar',
    number: 17,
    sends: false,
    receives: false,
    blocking: false,
    arguments: ['char', 'unused', 'unused', 'unused', 'unused', 'unused', 'unused'],
    summary: 'K5: write one byte to the debug console.',
  },
  {
    name: 'Panic',
    number: 18,
    sends: false,
    receives: false,
    blocking: true,
    arguments: ['unused', 'length', 'mr0', 'mr1', 'mr2', 'mr3', 'unused'],
    summary:
      'K5: stop the calling thread with a panic message (bytes as for Log); it never returns.',
  },
];

/** Looks a syscall up by number; `undefined` for an unknown number. @public */
export function syscallByNumber(n: number): SyscallDescriptor | undefined {
  for (const d of SYSCALL_TABLE) if (d.number === n) return d;
  return undefined;
}

/** Log levels carried by the Log syscall's `level` slot (defmt's levels). @public */
export const LogLevel = {
  Trace: 0,
  Debug: 1,
  Info: 2,
  Warn: 3,
  Error: 4,
} as const;

/** A log level. @public */
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** The most bytes one Log or Panic syscall carries (all message registers). @public */
export const LOG_MAX_BYTES = 480;
