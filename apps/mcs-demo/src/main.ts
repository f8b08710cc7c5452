// `npm start`: runs the MCS demo and prints each task's log lines with the simulated time, then
// a summary of budgets, refills, donation, the interrupt and the restarts. `--trace file.json`
// also writes the kernel trace in the Chrome/Perfetto format.
import { writeFileSync } from 'node:fs';
import { toChromeTrace } from '@k5/kernel';
import { summarize } from './summary';
import { runMcsDemo, taskName } from './system';

const args = process.argv.slice(2);
const traceAt = args.indexOf('--trace');
const traceFile = traceAt >= 0 ? args.splice(traceAt, 2)[1] : undefined;
const horizon = Number(args[0] ?? 12_000);
if (!Number.isInteger(horizon) || horizon < 1 || (traceAt >= 0 && !traceFile)) {
  console.error('usage: npm start -- [ticks] [--trace file.json]  (ticks: a positive integer)');
  process.exit(2);
}
console.log(
  `K5 MCS demo: periodic control, passive server, IRQ-driven driver, supervised sensor; ${horizon} ticks, invariants checked after every kernel entry\n`,
);
const result = runMcsDemo({
  horizon,
  onLine: (l) => console.log(`${String(l.time).padStart(6)}  ${l.task.padEnd(10)} │ ${l.text}`),
});
console.log('');
for (const line of summarize(result)) console.log(line);
if (traceFile) {
  const chrome = toChromeTrace(result.trace.events, {
    processName: 'K5 mcs-demo',
    threadName: (id) => taskName(result.system, id),
  });
  writeFileSync(traceFile, JSON.stringify(chrome));
  console.log(`trace written to ${traceFile} (open it in https://ui.perfetto.dev)`);
}
process.exitCode = result.system.kernel.checkInvariants().length === 0 ? 0 : 1;
