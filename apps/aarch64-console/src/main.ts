// `npm start`: runs the console system and shows what the UART sent, then how the rogue
// client's direct store to the UART was refused (the MMU's fault, ESR_EL1) and the port's
// TLB figures.
import { runConsole } from './system';

console.log(
  'K5 on AArch64: a console server owns the PL011 UART at 0x09000000 (device memory, mapped in its address space only); clients print through it by IPC with shared pages.\n',
);
console.log('--- UART0 ---');
const run = runConsole({
  checkInvariants: true,
  onByte: (b) => process.stdout.write(String.fromCharCode(b)),
});
console.log('--- end of UART0 ---\n');
const f = run.fault;
if (f?.fault) {
  console.log(
    `rogue's store: ${f.fault.kind} fault at level ${f.fault.level} (DFSC 0x${f.fault.statusCode.toString(16).padStart(2, '0')}), FAR_EL1 0x${f.address.toString(16)}, ESR_EL1 0x${f.esr.toString(16)}`,
  );
}
console.log('\naddress spaces (identity mapped, VA = PA):');
for (const program of ['console', 'supervisor', 'hello', 'counter', 'rogue']) {
  const t = run.task(program);
  if (t === undefined) continue;
  const maps = run.port
    .mappingsOf(t.context)
    .map((m) => `0x${m.va.toString(16)}+${m.size / 1024}K${m.device ? ' device' : ''}`);
  console.log(`  ${program.padEnd(10)} ASID ${run.port.asidOf(t.context)}: ${maps.join(', ')}`);
}
console.log('');
const tlb = run.port.mmu.tlb.counters;
const k = run.system.kernel;
console.log(
  `${run.uart.counters.transmitted} bytes sent, ${k.threads().length} threads, ${run.port.counters.switches} address-space switches, ${tlb.hits} TLB hits / ${tlb.misses} misses, full TLB flushes: ${tlb.flushes.VMALLE1}, invariants: ${k.checkInvariants().length === 0 ? 'hold' : 'VIOLATED'}`,
);
process.exitCode = f?.fault?.kind === 'translation' && run.output.includes('supervisor:') ? 0 : 1;
