// Progress of long simulated runs on standard error: one line rewritten in place, only when
// standard error is a terminal (scripts and CI logs get nothing), updated per whole percent.

import type { CliIo } from './io';

/** A progress line for a run to `total` ticks. */
export function progressReporter(
  io: CliIo,
  label: string,
  total: number,
): {
  update(now: number): void;
  done(): void;
} {
  if (!io.progress || total <= 0) return { update: () => {}, done: () => {} };
  let shown = -1;
  return {
    update(now) {
      const pct = Math.min(100, Math.floor((now / total) * 100));
      if (pct === shown) return;
      shown = pct;
      io.err(`\r${label}: ${String(pct).padStart(3)}%`);
    },
    done() {
      if (shown >= 0) io.err('\r\u001b[2K');
    },
  };
}
