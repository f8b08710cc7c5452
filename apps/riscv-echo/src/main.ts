// `npm start`: runs riscv-echo and prints each task's PMP layout, then the decoded defmt lines
// of the C client and the TypeScript server with the kernel time (hart cycles) they arrived
// at, then a summary.
import { runRiscvEcho } from './system';

const rounds = Number(process.argv[2] ?? 3);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(
    `usage: npm start -- [rounds]  (rounds must be a positive integer, got ${process.argv[2]})`,
  );
  process.exit(2);
}
console.log(
  `K5 riscv-echo: a C client (rv32imac machine code on the reference hart, U mode) and a TypeScript server on RiscvPort, ${rounds} echoes\n`,
);
const lines: string[] = [];
const result = runRiscvEcho({
  rounds,
  checkInvariants: true,
  onLine: (line) =>
    lines.push(`${String(line.time).padStart(8)} [${line.task.padEnd(6)}] ${line.text}`),
});
console.log(`client image loaded at 0x${result.clientBase.toString(16)}`);
for (const layout of result.layouts) {
  console.log(`PMP of ${layout.name} (thread ${layout.thread}):`);
  for (const e of layout.pmp) console.log(`  ${e.text}`);
}
console.log(`\n    time  task     log (defmt, decoded on the host)`);
for (const l of lines) console.log(l);
const { kernel, runner } = result.system;
console.log(
  `\n${result.lines.length} log lines, ${result.malformed} undecodable, ${runner.stats.syscalls} ecalls from machine code, ${runner.stats.cycles} hart cycles, kernel time ${kernel.now}, invariants: ${kernel.checkInvariants().length === 0 ? 'hold' : 'VIOLATED'}`,
);
const done = result.lines.some((l) => l.text.includes(`${rounds} of ${rounds} echoes verified`));
process.exitCode = done && result.malformed === 0 ? 0 : 1;
