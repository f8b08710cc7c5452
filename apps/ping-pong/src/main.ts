// `npm run demo`: runs the ping-pong system on the STM32L5-like ARMv8-M machine and prints each
// task's log lines as defmt-print would, tagged with the task name, then a summary.
import { runPingPong } from './system';

const rounds = Number(process.argv[2] ?? 5);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(
    `usage: npm run demo -- [rounds]  (rounds must be a positive integer, got ${process.argv[2]})`,
  );
  process.exit(2);
}
const colored = process.stdout.isTTY === true && !process.env.NO_COLOR;
console.log(
  `K5 ping-pong on an STM32L5-like Cortex-M33 (ARMv8-M port, PMSAv8 MPU): 2 tasks, ${rounds} round trips, invariants checked after every kernel entry\n`,
);
const width = Math.max(...['ping', 'pong'].map((n) => n.length));
const result = runPingPong({
  rounds,
  checkInvariants: true,
  colored,
  onLine: (line) => console.log(`${line.task.padEnd(width)} │ ${line.text}`),
});
const { kernel } = result.system;
const invariants = kernel.checkInvariants().length === 0 ? 'hold' : 'VIOLATED';
console.log(
  `\n${result.lines.length} log lines, ${result.malformed} undecodable, ${result.dropped} dropped, ${result.system.tasks.length} tasks, simulated time ${kernel.now} µs, invariants: ${invariants}`,
);
console.log(
  'next: npm run -s k5 -- trace apps/ping-pong --svg trace.svg   (docs/guide/getting-started.md)',
);
const done = result.lines.some((l) => l.text.includes(`${rounds} round trips done`));
process.exitCode = done && result.malformed === 0 && result.dropped === 0 ? 0 : 1;
