import { describe, expect, it } from 'vitest';
import { progressReporter } from './progress';

function io(progress: boolean) {
  const err: string[] = [];
  return { err, io: { out: () => {}, err: (t: string) => err.push(t), color: false, progress } };
}

describe('progressReporter', () => {
  it('rewrites one line per whole percent on a terminal, then clears it', () => {
    const { err, io: terminal } = io(true);
    const p = progressReporter(terminal, 'k5 run app', 1000);
    for (const now of [0, 5, 10, 11, 500, 1000, 1200]) p.update(now);
    p.done();
    expect(err).toEqual([
      '\rk5 run app:   0%',
      '\rk5 run app:   1%',
      '\rk5 run app:  50%',
      '\rk5 run app: 100%',
      '\r\u001b[2K',
    ]);
  });

  it('writes nothing when standard error is not a terminal or the run is untimed', () => {
    const a = io(false);
    const p = progressReporter(a.io, 'x', 1000);
    p.update(500);
    p.done();
    const b = io(true);
    const q = progressReporter(b.io, 'x', 0);
    q.update(500);
    q.done();
    expect([...a.err, ...b.err]).toEqual([]);
  });
});
