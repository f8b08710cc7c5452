// Property: an enclave thread holding random values in x1..x31 is preempted by the CLINT timer
// or a PLIC interrupt at a random cycle, exactly as the runner handles it (saveFromHart, then
// the kernel switches to another thread). Before anything else runs, the hart holds no
// register, mepc or mtval value of the enclave; no other context's registers hold one; the
// save area is refused to U and M mode on the hart; and when the enclave thread resumes, every
// register is back exactly as it was and it carries on to the same final state.
import { AccessKind } from '@k5/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CSR_MEPC, CSR_MTVAL } from '../../src/csr';
import { StopReason } from '../../src/hart/execute';
import { PmpAccess, PmpChecker } from '../../src/pmp/checker';
import { TRAP_FRAME_SIZE } from '../../src/trap-frame';
import { decodeMcause, InterruptCause, PrivilegeMode } from '../../src/trap';
import {
  ENCLAVE,
  LOADER_CYCLES,
  loaderImage,
  osThread,
  PC,
  portMachine,
  runOnHart,
  RWX,
} from './port-machine';

const IRQ = 3;
/** Where the loader spins once every register is loaded. */
const SPIN_PC = ENCLAVE.base + 32 * 4;

describe('preempting an enclave thread with random register contents', () => {
  it('leaks no register value and resumes it exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 0xffff_ffff }), { minLength: 31, maxLength: 31 }),
        fc.integer({ min: 1, max: 3 * LOADER_CYCLES }),
        fc.constantFrom('timer', 'external'),
        (values, at, source) => {
          const secrets = new Set(values);
          const port = portMachine();
          // OS threads with registers of their own (none equal to a secret).
          const plain = Array.from({ length: 31 }, (_, i) => 0x100 + i).filter(
            (v) => !secrets.has(v),
          );
          const others = [osThread(port, plain), osThread(port, plain.slice(3))];
          port.bus.load(ENCLAVE.base, loaderImage(values));
          port.addEnclave(ENCLAVE);
          const inside = port.createContext();
          port.setMemoryMap(inside, [{ base: ENCLAVE.base, size: ENCLAVE.size, access: RWX }]);
          port.setEnclave(inside, ENCLAVE);
          port.writeRegister(inside, PC, ENCLAVE.base);

          let exit: ReturnType<typeof runOnHart>;
          if (source === 'timer') {
            port.setTimer(Number(port.clint.mtime) + at);
            exit = runOnHart(port, inside, 10_000);
          } else {
            port.interrupts.unmask(IRQ);
            expect(runOnHart(port, inside, at).trapped).toBe(false);
            port.plic.setLine(IRQ, true);
            exit = runOnHart(port, inside, 10_000);
          }
          const cause = decodeMcause(exit.mcause);
          expect(cause.interrupt).toBe(true);
          expect(cause.code).toBe(
            source === 'timer' ? InterruptCause.MachineTimer : InterruptCause.MachineExternal,
          );
          // The kernel handles the interrupt and switches to another thread.
          if (source === 'timer') port.setTimer(null);
          else {
            expect(port.interrupts.claim()).toBe(IRQ);
            port.interrupts.mask(IRQ);
            port.plic.setLine(IRQ, false);
          }
          port.switchTo(others[0]!);

          const hart = port.hart;
          expect(hart.registers()).toEqual(new Array(32).fill(0));
          expect(hart.readCsr(CSR_MEPC)).toBe(0);
          expect(hart.readCsr(CSR_MTVAL)).toBe(0);
          expect(secrets.has(hart.pc)).toBe(false);
          for (const ctx of others) {
            for (let r = 0; r <= PC; r++)
              expect(secrets.has(port.readRegister(ctx, r))).toBe(false);
          }
          const area = port.enclaveSaveArea(inside)!;
          const m = new PmpChecker(hart.pmp);
          for (let a = area; a < area + TRAP_FRAME_SIZE; a += 4) {
            for (const ctx of others)
              expect(port.checkAccess(ctx, a, 4, AccessKind.Read)).toBe(false);
            for (const mode of [PrivilegeMode.User, PrivilegeMode.Machine]) {
              expect(m.allows(a, 4, PmpAccess.Read, mode)).toBe(false);
            }
          }
          // The other thread runs on a clean hart: only its own registers appear.
          port.loadOnHart(others[0]!);
          expect(hart.registers().some((v) => secrets.has(v))).toBe(false);
          port.saveFromHart(others[0]!, false);

          // The kernel's trusted view has the saved registers: all of them once loaded.
          if (at >= LOADER_CYCLES + 1) {
            for (let r = 1; r < 32; r++) expect(port.readRegister(inside, r)).toBe(values[r - 1]);
          }
          // Resumed: the registers come back exactly, and the loads still pending finish.
          port.switchTo(inside);
          port.loadOnHart(inside);
          expect(hart.run(3 * LOADER_CYCLES)).toBe(StopReason.Budget);
          expect(hart.registers().slice(1)).toEqual(values);
          expect(hart.pc).toBe(SPIN_PC);
          port.saveFromHart(inside, false);
          expect(port.readRegister(inside, PC)).toBe(SPIN_PC);
        },
      ),
      { numRuns: 150 },
    );
  });
});
