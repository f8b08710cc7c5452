// The benchmark harness: each figure is measured with tinybench (warm-up, many samples, median),
// printed to stdout as one JSON line, and summed up in a table on stderr at the end.
// A figure may carry a baseline measured in the same process; the ratio is value / baseline
// for rates (higher is better) and baseline / value for times.
import { Bench } from 'tinybench';

export type BenchUnit = 'ops/s' | 'MB/s' | 'ns' | 'ms' | 'MIPS' | 'frames/s' | '%' | 'count';

export interface BenchCase {
  /** Figure name without the package prefix, for example `ipc/call-replyrecv`. */
  name: string;
  /** What the figure measures; rates are derived from the median time of one call of `run`. */
  unit: BenchUnit;
  /** One sample. Must be synchronous; do the set-up outside. */
  run: () => void;
  /**
   * How many operations (or bytes for `MB/s`, instructions for `MIPS`) one call of `run` performs.
   * Defaults to 1.
   */
  perCall?: number;
  /** The same work done the simplest way, measured in the same process for a ratio. */
  baseline?: () => void;
  /** `perCall` of the baseline when it differs. */
  baselinePerCall?: number;
}

/** A figure that is computed rather than timed (a count, a fraction). */
export interface BenchFigure {
  name: string;
  unit: BenchUnit;
  value: number;
  baseline?: number;
}

export interface BenchResult {
  bench: string;
  value: number;
  unit: BenchUnit;
  baseline?: number;
  ratio?: number;
}

export interface BenchOptions {
  /** Milliseconds of sampling per case (default 400, or K5_BENCH_TIME). */
  time?: number;
  /** Milliseconds of warm-up per case (default 100). */
  warmupTime?: number;
}

function medianSeconds(run: () => void, options: Required<BenchOptions>): Promise<number> {
  const bench = new Bench({ time: options.time, warmupTime: options.warmupTime });
  bench.add('case', run);
  return bench.run().then(() => {
    const result = bench.tasks[0]?.result;
    if (result?.state !== 'completed') {
      throw new Error(`benchmark did not complete: ${result?.state ?? 'no result'}`);
    }
    return result.latency.p50 / 1000;
  });
}

function rate(unit: BenchUnit, perCall: number, seconds: number): number {
  switch (unit) {
    case 'ns':
      return (seconds * 1e9) / perCall;
    case 'ms':
      return (seconds * 1e3) / perCall;
    case 'MB/s':
    case 'MIPS':
      return perCall / seconds / 1e6;
    default:
      return perCall / seconds;
  }
}

const isTime = (unit: BenchUnit) => unit === 'ns' || unit === 'ms';

function round(value: number): number {
  return Number(value.toPrecision(6));
}

/** Measures one case and returns its JSON record. */
export async function measure(
  pkg: string,
  c: BenchCase,
  options: BenchOptions = {},
): Promise<BenchResult> {
  const opts: Required<BenchOptions> = {
    time: options.time ?? Number(process.env.K5_BENCH_TIME ?? 400),
    warmupTime: options.warmupTime ?? 100,
  };
  const value = rate(c.unit, c.perCall ?? 1, await medianSeconds(c.run, opts));
  const result: BenchResult = { bench: `${pkg}/${c.name}`, value: round(value), unit: c.unit };
  if (c.baseline) {
    const perCall = c.baselinePerCall ?? c.perCall ?? 1;
    const baseline = rate(c.unit, perCall, await medianSeconds(c.baseline, opts));
    result.baseline = round(baseline);
    result.ratio = round(isTime(c.unit) ? baseline / value : value / baseline);
  }
  return result;
}

function figureResult(pkg: string, f: BenchFigure): BenchResult {
  const result: BenchResult = { bench: `${pkg}/${f.name}`, value: round(f.value), unit: f.unit };
  if (f.baseline !== undefined) {
    result.baseline = round(f.baseline);
    result.ratio = f.baseline === 0 ? 0 : round(f.value / f.baseline);
  }
  return result;
}

function printTable(results: readonly BenchResult[]): void {
  const rows = results.map((r) => [
    r.bench,
    r.value.toLocaleString('en-US'),
    r.unit,
    r.baseline === undefined ? '' : r.baseline.toLocaleString('en-US'),
    r.ratio === undefined ? '' : `${r.ratio}x`,
  ]);
  const header = ['bench', 'value', 'unit', 'baseline', 'ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stderr.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const row of rows) process.stderr.write(`${line(row)}\n`);
}

/**
 * Runs every case of one package, printing each result as a JSON line on stdout as soon as it is
 * known, then a table on stderr. Figures (`BenchFigure`) are printed as they are.
 */
export async function runBenchmarks(
  pkg: string,
  cases: ReadonlyArray<BenchCase | BenchFigure | (() => BenchFigure | Promise<BenchFigure>)>,
  options: BenchOptions = {},
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const c of cases) {
    let result: BenchResult;
    if (typeof c === 'function') result = figureResult(pkg, await c());
    else if ('run' in c) result = await measure(pkg, c, options);
    else result = figureResult(pkg, c);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    results.push(result);
  }
  printTable(results);
  return results;
}
