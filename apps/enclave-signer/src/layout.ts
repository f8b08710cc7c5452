// The signer system's fixed numbers: the enclave's memory layout, the capability slots each task
// finds in its CNode, the request and reply labels of the two services, the notification badges
// of the supervisor, priorities and the enclave's budget. Host and tasks agree on these as C
// code would on a shared header.

/** Enclave memory: 2^12 bytes, naturally aligned (the kernel carves it from untyped). */
export const ENCLAVE_BITS = 12;
export const ENCLAVE_SIZE = 2 ** ENCLAVE_BITS;
/** Entry 0 (a host-task enclave's entry is a named address; real code would sit there). */
export const ENTRY_OFFSET = 0x100;
/** Where the enclave keeps its key material (private key, then public key). */
export const KEY_OFFSET = 0x200;
/** Stack top and IPC buffer; the stack grows down from here. */
export const IPC_OFFSET = 0xc00;
export const STACK_SIZE = 0x400;

/** The image name the executor matches host-task enclave images by. */
export const ENCLAVE_NAME = 'signer';
/** The label the enclave's sealing key is derived for (Enclave_DeriveKey). */
export const SEALING_LABEL = 'signing-key';

/** Capability slots in every child's CNode (each task gets only the ones it needs). */
export const SLOT = {
  /** The signer's service endpoint: Read for the enclave, Write|GrantReply for clients. */
  signer: 1,
  /** A Reply object, for tasks that serve. */
  reply: 2,
  /** The storage endpoint: Read for storage, Write|GrantReply for the enclave. */
  storage: 3,
  /** The enclave object (the enclave's own thread derives keys and reads its measurement). */
  enclave: 4,
  /** supervisor: the notification faults signal. */
  events: 5,
  /** supervisor: the enclave thread's TCB. */
  enclaveTcb: 6,
  /** supervisor: the rogue's TCB. */
  rogueTcb: 7,
} as const;

/** Requests the signer serves. */
export const SignerRequest = {
  /** Reply: the raw 65-byte P-256 public key. */
  PublicKey: 1,
  /** Message bytes in; reply: the 64-byte r || s ECDSA signature over SHA-256(message). */
  Sign: 2,
  /** Test hook: the enclave answers by dereferencing a null pointer (an injected bug). */
  Crash: 3,
} as const;

/** Requests the storage task serves. */
export const StorageRequest = {
  /** Reply: the stored blob (length 0 when there is none). */
  Get: 10,
  /** Blob bytes in; stored, replacing any earlier one. */
  Put: 11,
} as const;

/** Reply label of a request the signer refuses (unknown request, oversized message). */
export const REPLY_REFUSED = 1;

/** The address the Crash request touches: outside the enclave and outside RAM. */
export const CRASH_ADDRESS = 0;

/** Badges of the supervisor's notification: who stopped on a fault. */
export const BADGE = { enclave: 1, rogue: 2 } as const;

/**
 * Priorities (higher runs first). The rogue is lowest: it runs when the clients wait for the
 * enclave and the enclave is out of budget, so it probes while the enclave is preempted.
 */
export const PRIORITY = {
  root: 250,
  supervisor: 200,
  storage: 180,
  enclave: 150,
  clientA: 120,
  clientB: 110,
  rogue: 100,
} as const;

/**
 * The enclave's MCS budget: 300 of every 1000 ticks. A signature costs SIGN_TICKS, so a burst of
 * requests runs it out of budget and the trace shows the enclave preempted and resumed.
 */
export const ENCLAVE_BUDGET = { budget: 300, period: 1000 } as const;
export const SIGN_TICKS = 120;
/** Ticks the supervisor waits before restarting the enclave. */
export const RESTART_DELAY = 200;
