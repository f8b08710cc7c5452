// What an app module exports for the CLI: `export const app` with the manifest, the machine it
// runs on, its programs and each task's defmt table. Structural on purpose: an app does not need
// to depend on @k5/cli to be runnable by it (apps/ping-pong does not).

import type { HostTask } from '@k5/abi';
import type { DefmtTable } from '@k5/defmt';
import type { AppManifest, AppSystem, ArchPort, PhysicalMemory } from '@k5/kernel';

/** Options given to an app's programs (`k5 run --option key=value`). @public */
export type AppOptions = Readonly<Record<string, string | number | boolean>>;

/** The `app` export of a K5 app module. @public */
export interface K5App {
  /** The manifest (validated by the CLI before booting). */
  readonly manifest: AppManifest;
  /** The machine: a port (and its RAM), given the kernel clock. Default: the generic port. */
  readonly machine?: (now: () => number) => {
    readonly port: ArchPort;
    readonly memory?: PhysicalMemory;
  };
  /** The host programs by name; `system()` returns the booted system once tasks run. */
  readonly programs: (system: () => AppSystem, options?: AppOptions) => Record<string, HostTask>;
  /** Each task's defmt table, by task name, to decode its log frames. */
  readonly logTables?: Readonly<Record<string, DefmtTable>>;
}
