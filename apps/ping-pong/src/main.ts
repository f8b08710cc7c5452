// `npm run demo`: runs the ping-pong system and prints each task's decoded defmt log lines with
// the simulated time at which the kernel received them, then a summary.
import { runPingPong } from './system';

const rounds = Number(process.argv[2] ?? 5);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(
    `usage: npm run demo -- [rounds]  (rounds must be a positive integer, got ${process.argv[2]})`,
  );
  process.exit(2);
}
console.log(
  `K5 ping-pong: 2 tasks on the generic port, ${rounds} round trips, invariants checked after every kernel entry (time in s, 1 tick = 1 us)\n`,
);
const result = runPingPong({
  rounds,
  checkInvariants: true,
  onLine: (line) => {
    const time = (line.time / 1e6).toFixed(6);
    console.log(`${time} [${line.task.padEnd(4)}] ${line.text}`);
  },
});
const { kernel } = result.system;
console.log(
  `\n${result.lines.length} log lines, ${result.malformed} undecodable, ${kernel.threads().length} threads, simulated time ${kernel.now} ticks, invariants: ${kernel.checkInvariants().length === 0 ? 'hold' : 'VIOLATED'}`,
);
const done = result.lines.some((l) => l.text.includes(`${rounds} round trips done`));
process.exitCode = done && result.malformed === 0 ? 0 : 1;
