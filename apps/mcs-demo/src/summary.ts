// The readable summary printed after the log: each scheduling context's budget, period and
// refill list, CPU time per task, the donations to the passive server, the interrupt and the
// restarts. Built from the kernel trace and the kernel's objects, so it shows what the kernel
// did rather than what the tasks claim. Relies on system.ts.
import { FaultLabel } from '@k5/abi';
import { contextReports, cpuTime, type McsDemoResult } from './system';

/** The summary as lines of text. */
export function summarize(result: McsDemoResult): string[] {
  const { system, trace, stats } = result;
  const kernel = system.kernel;
  const out: string[] = [];
  const cpu = cpuTime(result);
  out.push(
    'scheduling contexts (budget / period, refills at the end of the run; * = bound to the IRQ notification):',
  );
  for (const c of contextReports(kernel, system)) {
    const refills = c.refills.map((r) => `${r.amount}@${r.time}`).join(' ');
    out.push(
      `  ${c.task.padEnd(10)} ${String(c.budget).padStart(4)} / ${c.period}  ran ${String(cpu.get(c.task.replace('*', '')) ?? 0).padStart(5)} ticks  refills [${refills}]`,
    );
  }
  const calls = trace.ofKind('ipc').filter((e) => e.call).length;
  out.push(
    `passive server: ${stats.requestsServed} requests, ${cpu.get('server') ?? 0} ticks, all on budgets donated by ${calls} calls`,
  );
  const faults = trace.ofKind('fault').filter((e) => e.label === FaultLabel.Panic).length;
  out.push(
    `interrupts: ${stats.interruptsHandled} handled by the passive driver on the IRQ notification's context (line masked until each ack)`,
  );
  out.push(
    `supervision: ${faults} panics, ${stats.restarts} restarts with back-off, sensor started ${stats.sensorStarts} times`,
  );
  out.push(
    `background: ${stats.backgroundWork} ticks of work; control: ${stats.controlPeriods} periods`,
  );
  const invariants = kernel.checkInvariants().length === 0 ? 'hold' : 'VIOLATED';
  out.push(`simulated time ${kernel.now} ticks, invariants: ${invariants}`);
  return out;
}
