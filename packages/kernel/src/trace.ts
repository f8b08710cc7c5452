// Typed trace events: one for every kernel decision (syscall entry, invocation result, IPC
// delivery, blocking, waking, switching, faults, object creation and destruction, preemption,
// budgets and donation, interrupts, restarts, logs). Events are built only when a sink is installed, so an untraced kernel allocates
// nothing for them. Relies on nothing.

/** A kernel trace event. `time` is the kernel's simulated time in ticks. @public */
export type TraceEvent =
  | {
      readonly kind: 'syscall';
      readonly time: number;
      readonly thread: number;
      readonly syscall: number;
    }
  | {
      readonly kind: 'invoke';
      readonly time: number;
      readonly thread: number;
      readonly label: number;
      readonly object: number;
      readonly error: number;
    }
  | {
      readonly kind: 'ipc';
      readonly time: number;
      readonly from: number;
      readonly to: number;
      readonly badge: number;
      readonly length: number;
      readonly caps: number;
      readonly call: boolean;
    }
  | {
      readonly kind: 'reply';
      readonly time: number;
      readonly from: number;
      readonly to: number;
      readonly length: number;
    }
  | {
      readonly kind: 'block';
      readonly time: number;
      readonly thread: number;
      readonly state: string;
      readonly object: number;
    }
  | {
      readonly kind: 'wake';
      readonly time: number;
      readonly thread: number;
      readonly reason: string;
    }
  | { readonly kind: 'switch'; readonly time: number; readonly from: number; readonly to: number }
  | {
      readonly kind: 'signal';
      readonly time: number;
      readonly notification: number;
      readonly badge: number;
      readonly word: number;
    }
  | {
      readonly kind: 'fault';
      readonly time: number;
      readonly thread: number;
      readonly label: number;
      readonly handled: boolean;
    }
  | {
      readonly kind: 'create';
      readonly time: number;
      readonly object: number;
      readonly type: number;
      readonly base: number;
      readonly sizeBits: number;
    }
  | {
      readonly kind: 'destroy';
      readonly time: number;
      readonly object: number;
      readonly type: number;
    }
  | {
      readonly kind: 'preempt';
      readonly time: number;
      readonly thread: number;
      readonly done: number;
    }
  | {
      readonly kind: 'log';
      readonly time: number;
      readonly thread: number;
      readonly level: number;
      readonly bytes: Uint8Array;
    }
  | {
      readonly kind: 'debug-char';
      readonly time: number;
      readonly thread: number;
      readonly char: number;
    }
  | {
      readonly kind: 'panic';
      readonly time: number;
      readonly thread: number;
      readonly message: Uint8Array;
    }
  | { readonly kind: 'exit'; readonly time: number; readonly thread: number }
  | {
      /** An interrupt line fired; `handled` is false for a spurious one (no live handler). */
      readonly kind: 'irq';
      readonly time: number;
      readonly irq: number;
      readonly handled: boolean;
    }
  | {
      /**
       * The running thread's scheduling context ran out of budget (`expired`), or a thread must
       * wait in the release queue for its next refill (`postponed`).
       */
      readonly kind: 'budget';
      readonly time: number;
      readonly thread: number;
      readonly sc: number;
      readonly event: 'expired' | 'yielded' | 'postponed';
    }
  | {
      /**
       * A scheduling context moved from thread `from` to thread `to` (a Call to a passive server,
       * a reply returning it, a notification lending its context). 0 stands for no thread: `from`
       * 0 when the context was free, `to` 0 when it went back to its notification.
       */
      readonly kind: 'donate';
      readonly time: number;
      readonly sc: number;
      readonly from: number;
      readonly to: number;
    }
  | {
      /** A supervisor restarted a thread; it runs again at `at` (later than `time` on back-off). */
      readonly kind: 'restart';
      readonly time: number;
      readonly thread: number;
      readonly generation: number;
      readonly at: number;
    }
  | {
      readonly kind: 'state';
      readonly time: number;
      readonly thread: number;
      readonly state: string;
    };

/** The kind of a trace event. @public */
export type TraceEventKind = TraceEvent['kind'];

/** Receives trace events as they happen. @public */
export type TraceSink = (event: TraceEvent) => void;

/** A trace sink that keeps every event (or the last `limit`). @public */
export class TraceRecorder {
  readonly events: TraceEvent[] = [];
  private readonly limit: number;

  constructor(limit = Number.POSITIVE_INFINITY) {
    this.limit = limit;
  }

  /** The sink to pass to the kernel. */
  readonly sink: TraceSink = (event) => {
    this.events.push(event);
    if (this.events.length > this.limit) this.events.shift();
  };

  /** Events of one kind. */
  ofKind<K extends TraceEventKind>(kind: K): Extract<TraceEvent, { kind: K }>[] {
    return this.events.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
  }
}
