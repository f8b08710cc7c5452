// `npm start`: boots the K5 kernel on rp2040js's Cortex-M0+ core, runs the Thumb tasks for
// 300,000 cycles and prints what happened: where each task was loaded, the client's log, the
// fault the fault handler received, and the counters of the run.
import { FaultLabel } from '@k5/abi';
import { Exception } from './vector-table';
import { bootEmbedded } from './system';

const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
const CYCLES = 300_000;

const s = bootEmbedded({ rounds: 8, spinnerBudget: 4000 });
const stop = s.runner.run({ until: CYCLES });

console.log(`K5 on rp2040js (Cortex-M0+), ${CYCLES.toLocaleString('en')} cycles, stopped: ${stop}`);
console.log('tasks (1 KiB code-and-stack region each, Thumb machine code from c/*.elf):');
for (const [name, base] of s.regions) console.log(`  ${name.padEnd(10)} ${hex(base)}`);
for (const log of s.logs) {
  const b = log.bytes;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const text =
    log.task === 'client' && b.length >= 10
      ? `${String.fromCharCode(b[0]!, b[1]!)}: ${view.getUint32(2, true)} of ${view.getUint32(6, true)} answers right`
      : Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
  console.log(`[${String(log.time).padStart(7)}] ${log.task}: ${text}`);
}
for (const f of s.faults) {
  const [pc = 0, address = 0] = f.words;
  const kind = f.label === FaultLabel.VmFault ? 'VM fault' : `fault label ${f.label}`;
  console.log(
    `[${String(f.time).padStart(7)}] fault handler: ${kind}, pc ${hex(pc)}, address ${hex(address)}`,
  );
}
const { stats, registerChecks } = s.runner;
const preempted = registerChecks.filter((c) => c.exception === Exception.SysTick).length;
const wrong = registerChecks.filter((c) => c.changed.length > 0).length;
console.log(
  `syscalls ${stats.syscalls}, SysTick preemptions ${stats.timerExceptions}, PendSV slices ${stats.sliceEnds}, faults ${stats.faults}, thread switches ${stats.switches}`,
);
console.log(
  `register checks at resumption: ${registerChecks.length} (${preempted} after SysTick), ${wrong} wrong`,
);
console.log(
  `MPU (${s.mpu.kind}) checks ${s.bus.counts.checked.toLocaleString('en')}, refused ${s.bus.counts.refused}`,
);
