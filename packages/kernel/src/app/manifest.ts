// The typed app manifest: what K5's app.toml said, as data a TypeScript app exports. A manifest
// names the board's memory, shared memory regions, the endpoints and notifications of the system,
// and every task with its priority, scheduling budget, stack, mapped regions and capabilities.
// `bootApp` builds the system from it without a root task. Types only; validate.ts checks values.

/** Rights a capability in a manifest may carry (seL4's Read, Write, Grant, GrantReply). @public */
export type ManifestRight = 'read' | 'write' | 'grant' | 'grant-reply';

/** How a task may access a region it maps. `read` also allows execution, as K5 regions do. @public */
export type ManifestAccess = 'read' | 'read-write';

/** The machine: where RAM is, how many interrupt lines, how fast the kernel clock ticks. @public */
export interface ManifestBoard {
  /** Board name, for people (for example `stm32l5`). */
  readonly name: string;
  /** RAM the kernel places objects, stacks and unplaced regions in. */
  readonly memory: { readonly base: number; readonly size: number };
  /** External interrupt lines (IRQ capabilities must name a line below this). Default 0. */
  readonly irqs?: number;
  /** Kernel ticks per second, for showing times (default 1,000,000: one tick is 1 µs). */
  readonly ticksPerSecond?: number;
}

/** A named block of memory tasks can map. @public */
export interface ManifestRegion {
  readonly name: string;
  /** Bytes: a power of two, at least 32 (the MPU/PMP granule). */
  readonly size: number;
  /** Fixed base address (naturally aligned), for device memory; otherwise placed in RAM. */
  readonly base?: number;
}

/** A region a task maps, and how. @public */
export interface ManifestMapping {
  readonly region: string;
  readonly access: ManifestAccess;
}

/** A capability placed in a slot of the task's CNode. @public */
export type ManifestCap =
  | {
      readonly kind: 'endpoint';
      readonly slot: number;
      readonly endpoint: string;
      readonly rights: readonly ManifestRight[];
      readonly badge?: number;
    }
  | {
      readonly kind: 'notification';
      readonly slot: number;
      readonly notification: string;
      readonly rights: readonly ManifestRight[];
      readonly badge?: number;
    }
  | {
      /** An IRQ handler for `irq`, delivering to `notification` with `badge`. */
      readonly kind: 'irq';
      readonly slot: number;
      readonly irq: number;
      readonly notification: string;
      readonly badge?: number;
    }
  /** A fresh reply object of the task's own (servers need one for Recv/ReplyRecv). */
  | { readonly kind: 'reply'; readonly slot: number }
  /**
   * The supervisor's receive cap to the fault endpoint: every other task's faults arrive there,
   * badged with the faulting task's index + 1.
   */
  | { readonly kind: 'faults'; readonly slot: number };

/** One task. @public */
export interface ManifestTask {
  /** Unique name: letters, digits, `_` and `-`, starting with a letter or `_`. */
  readonly name: string;
  /** The program it runs (a key of `bootApp`'s `programs`); defaults to the task's name. */
  readonly program?: string;
  /** Priority 0..255, higher runs first. */
  readonly priority: number;
  /** Scheduling-context budget in ticks per period (give both or neither; neither = unlimited). */
  readonly budget?: number;
  /** Scheduling-context period in ticks. */
  readonly period?: number;
  /** Stack bytes: a power of two, at least 32. SP starts at its top. */
  readonly stack: number;
  /** CNode radix: the task has 2^radix slots (default 4). */
  readonly cnodeRadix?: number;
  /** Regions mapped into the task besides its stack and IPC buffer. */
  readonly regions?: readonly ManifestMapping[];
  /** Capabilities in its CNode. */
  readonly caps?: readonly ManifestCap[];
  /** Whether this task is the supervisor: it receives every other task's faults. */
  readonly supervisor?: boolean;
  /** Whether the task starts running at boot (default true). */
  readonly start?: boolean;
}

/** A whole system. @public */
export interface AppManifest {
  readonly name: string;
  readonly board: ManifestBoard;
  readonly regions?: readonly ManifestRegion[];
  readonly endpoints?: readonly string[];
  readonly notifications?: readonly string[];
  readonly tasks: readonly ManifestTask[];
}

/** One thing wrong with a manifest: where (`tasks[1].priority`) and what. @public */
export interface ManifestProblem {
  readonly path: string;
  readonly message: string;
}
