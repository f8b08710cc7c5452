// What the ordinary tasks observed, for the host to print and the tests to check. The tasks are
// host closures, so they report by filling this record (on hardware they would log it).

/** One signature a client asked for and checked. */
export interface SignatureCheck {
  readonly client: string;
  readonly message: string;
  readonly signature: Uint8Array;
  /** WebCrypto verify with the public key the enclave gave. */
  readonly valid: boolean;
  /** WebCrypto verify of the same signature over the message with one byte changed. */
  readonly tamperedValid: boolean;
}

/** The rogue task's probe of the enclave's memory. */
export interface ProbeResult {
  readonly base: number;
  readonly size: number;
  /** Word addresses tried (every 4 bytes of the enclave). */
  readonly attempts: number;
  /** Accesses refused with a memory fault. */
  readonly refused: number;
  /** Words read successfully (must be 0). */
  readonly leaked: number;
  /** Its own IPC buffer read fine: the probe itself works. */
  readonly controlReadOk: boolean;
}

/** A fault a supervisor read with TCB_GetFault. */
export interface FaultSeen {
  readonly task: 'enclave' | 'rogue';
  readonly label: number;
  readonly generation: number;
  /** The fault words as the supervisor got them (an enclave's are redacted: none). */
  readonly words: readonly number[];
  /** Restart delay used, or null when the task stays stopped. */
  readonly restartDelay: number | null;
}

/** Everything the tasks found. */
export interface Findings {
  /** Public keys the clients received, in order (before and after the restart). */
  readonly publicKeys: { readonly client: string; readonly key: Uint8Array }[];
  readonly signatures: SignatureCheck[];
  /** The reply label client-b got for its Crash request (PEER_DEAD_LABEL: the server died). */
  crashReplyLabel: number | null;
  probe: ProbeResult | null;
  readonly faults: FaultSeen[];
  /** The error TCB_ReadRegisters on the stopped enclave thread gave its supervisor. */
  enclaveRegisterRead: number | null;
  /** Writes the storage task made to its flash. */
  storageWrites: number;
}

export function emptyFindings(): Findings {
  return {
    publicKeys: [],
    signatures: [],
    crashReplyLabel: null,
    probe: null,
    faults: [],
    enclaveRegisterRead: null,
    storageWrites: 0,
  };
}
