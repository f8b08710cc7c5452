// The console protocol. A client shares one 4 KiB region with the server; it writes text there
// and Calls the console endpoint (its cap carries the client's badge):
//   Write     label 1, MR0 = offset in the shared buffer, MR1 = length
//             → label 0, MR0 = bytes sent to the UART; or label Status.BadRange/UnknownClient
//   Register  label 2, from the root only (badge 0): MR0 = client badge, MR1 = buffer base,
//             MR2 = buffer size → label 0
// The server reads the text through its own mapping of the buffer and never trusts an address
// from a client: it looks the buffer up by the badge.

/** Request labels. */
export const Op = { Write: 1, Register: 2 } as const;

/** Reply labels. */
export const Status = {
  Ok: 0,
  BadRange: 1,
  UnknownClient: 2,
  NotAllowed: 3,
  BadRequest: 4,
} as const;

/** Slots of every task's own CNode. */
export const Slot = {
  /** The console endpoint (badged per client; the server's cap receives). */
  console: 1,
  /** The task's reply object. */
  reply: 2,
  /** The supervisor's fault endpoint (receive side). */
  faults: 3,
} as const;

/** Badges the root mints: the client's identity at the server and at the supervisor. */
export const Badge = { supervisor: 1, hello: 2, counter: 3, rogue: 4 } as const;
