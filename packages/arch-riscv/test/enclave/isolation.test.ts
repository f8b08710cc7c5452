// PMP enclaves on the reference hart with real loads, stores and fetches: a malicious U-mode
// task whose PMP grants all of RAM probes every word of the enclave's and the monitor's
// memory and faults on each; a timer interrupt preempts the enclave and the OS side finds no
// register value of it anywhere; the enclave resumes with its registers intact.
import { describe, expect, it } from 'vitest';
import { CSR_MCAUSE, CSR_MEPC, CSR_MTVAL } from '../../src/csr';
import { StopReason } from '../../src/hart/execute';
import type { Hart } from '../../src/hart/hart';
import { CheckedMemory } from '../../src/host-access';
import { PmpAccess, PmpChecker } from '../../src/pmp/checker';
import { decodeMcause, ExceptionCause, InterruptCause, PrivilegeMode } from '../../src/trap';
import { TRAP_FRAME_SIZE, TrapFrame } from '../../src/trap-frame';
import { addi, assemble, bne, ebreak, lw, sw } from '../asm';
import {
  ENCLAVE,
  enclaveMachine,
  expectedExitValue,
  MONITOR,
  RAM,
  RAM_SIZE,
  secretValues,
} from './machine';

/** Runs the OS-side probe loop in U mode; returns the trapping addresses of each `cause`. */
function probe(hart: Hart, op: number, cause: ExceptionCause, from: number, to: number): number[] {
  hart.bus.load(RAM, assemble([op, addi(10, 10, 4), bne(10, 11, -8), ebreak()]));
  hart.setRegister(10, from);
  hart.setRegister(11, to);
  hart.pc = RAM;
  hart.mode = PrivilegeMode.User;
  const faults: number[] = [];
  for (;;) {
    if (hart.run(1_000) !== StopReason.Trap) continue;
    const { code } = decodeMcause(hart.readCsr(CSR_MCAUSE));
    if (code === ExceptionCause.Breakpoint) return faults;
    expect(code).toBe(cause);
    faults.push(hart.readCsr(CSR_MTVAL));
    // The OS task's handler skips the faulting access and carries on.
    const frame = new TrapFrame().capture(hart);
    frame.pc += 4;
    frame.resume(hart);
  }
}

const words = (base: number, size: number) =>
  Array.from({ length: size / 4 }, (_, i) => base + 4 * i);

describe('a malicious task whose PMP grants all of RAM', () => {
  for (const [what, block] of [
    ['enclave', ENCLAVE],
    ['monitor', MONITOR],
  ] as const) {
    it(`faults on a load from every word of the ${what} memory`, () => {
      const { hart } = enclaveMachine();
      const faults = probe(
        hart,
        lw(7, 10, 0),
        ExceptionCause.LoadAccessFault,
        block.base,
        block.base + block.size,
      );
      expect(faults).toEqual(words(block.base, block.size));
    });

    it(`faults on a store to every word of the ${what} memory, which stays unchanged`, () => {
      const { hart, bus } = enclaveMachine();
      const before = bus.dump(block.base, block.size);
      const faults = probe(
        hart,
        sw(10, 10, 0),
        ExceptionCause.StoreAccessFault,
        block.base,
        block.base + block.size,
      );
      expect(faults).toEqual(words(block.base, block.size));
      expect(bus.dump(block.base, block.size)).toEqual(before);
    });

    it(`faults on a fetch from every halfword of the ${what} memory`, () => {
      const { hart } = enclaveMachine();
      for (let a = block.base; a < block.base + block.size; a += 2) {
        hart.pc = a;
        hart.mode = PrivilegeMode.User;
        expect(hart.run(1)).toBe(StopReason.Trap);
        expect(decodeMcause(hart.readCsr(CSR_MCAUSE)).code).toBe(
          ExceptionCause.InstructionAccessFault,
        );
        expect(hart.readCsr(CSR_MTVAL)).toBe(a);
      }
    });
  }

  it('still reaches the rest of RAM (the guards remove only the enclave and monitor)', () => {
    const { hart } = enclaveMachine();
    expect(
      probe(hart, lw(7, 10, 0), ExceptionCause.LoadAccessFault, RAM + 0x1000, RAM + 0x2000),
    ).toEqual([]);
  });
});

describe('the monitor memory', () => {
  it('is refused to M mode too: its PMP entry is locked and grants nothing', () => {
    const { hart, monitor } = enclaveMachine();
    expect(hart.pmp.isLocked(0)).toBe(true);
    const checker = new PmpChecker(hart.pmp);
    for (const a of words(MONITOR.base, MONITOR.size)) {
      expect(checker.allows(a, 4, PmpAccess.Read, PrivilegeMode.Machine)).toBe(false);
    }
    // The OS side cannot rewrite the monitor's entry either.
    hart.pmp.writeEntryConfig(0, 0);
    expect(hart.pmp.isLocked(0)).toBe(true);
    expect(() =>
      monitor.setOsLayout({ entries: [{ index: 1, cfg: 0, addr: 0 }], used: 1 }),
    ).toThrow(expect.objectContaining({ code: 'pmp-reserved-conflict' }));
  });
});

/** Enters the enclave and runs it until the timer preempts it `at` cycles later. */
function preempted(at: number) {
  const m = enclaveMachine();
  m.monitor.enter(m.enclave, ENCLAVE.base);
  m.clint.armDeadline(0, at);
  expect(m.hart.run(10_000)).toBe(StopReason.Trap);
  const stop = m.monitor.handleTrap();
  expect(stop).toEqual({ kind: 'interrupted', cause: InterruptCause.MachineTimer });
  m.clint.disarm(0);
  return m;
}

describe('timer preemption of an enclave', () => {
  it('leaves no register value, mepc or mtval of the enclave on the hart', () => {
    const { hart, monitor, enclave } = preempted(500);
    expect(monitor.state(enclave)).toBe('suspended');
    expect(monitor.running).toBeNull();
    expect(hart.registers()).toEqual(new Array(32).fill(0));
    expect(hart.readCsr(CSR_MEPC)).toBe(0);
    expect(hart.readCsr(CSR_MTVAL)).toBe(0);
  });

  it('leaves no register value in any memory the OS side can read', () => {
    // U-mode tasks and the M-mode kernel alike; the kernel may read the enclave's memory (its
    // guard is not locked, so that it can open on entry) but not the monitor's.
    const { hart } = preempted(500);
    const secrets = secretValues();
    const os = new CheckedMemory(hart.bus, hart.pmp);
    let readable = 0;
    for (let a = RAM; a < RAM + RAM_SIZE; a += 4) {
      for (const mode of [PrivilegeMode.User, PrivilegeMode.Machine]) {
        const inEnclave = a >= ENCLAVE.base && a < ENCLAVE.base + ENCLAVE.size;
        if (mode === PrivilegeMode.Machine && inEnclave) continue;
        const r = os.read(a, 4, mode);
        if (!r.ok) continue;
        readable++;
        const v = new DataView(r.bytes.buffer, r.bytes.byteOffset).getUint32(0, true);
        expect(secrets.has(v), `0x${a.toString(16)} holds 0x${v.toString(16)}`).toBe(false);
      }
    }
    // U mode reads everything but the enclave and the monitor, M mode all but the monitor.
    expect(readable).toBe(2 * (RAM_SIZE / 4) - 2 * (ENCLAVE.size / 4) - 2 * (MONITOR.size / 4));
  });

  it('keeps the frame in monitor memory and restores every register on resume', () => {
    const { hart, bus, monitor, enclave } = preempted(500);
    const saved = TrapFrame.fromBytes(bus.dump(MONITOR.base, TRAP_FRAME_SIZE));
    expect(secretValues().has(saved.x[12]!)).toBe(true);
    hart.setRegister(12, 0xdead); // the OS side's own work in between
    monitor.resume(enclave);
    expect(hart.registers()).toEqual(Array.from(saved.x));
    expect(hart.pc).toBe(saved.pc);
    expect(hart.mode).toBe(PrivilegeMode.User);
    // The frame does not outlive the resumption.
    expect(bus.dump(MONITOR.base, TRAP_FRAME_SIZE)).toEqual(new Uint8Array(TRAP_FRAME_SIZE));
    expect(hart.run(10_000)).toBe(StopReason.Trap);
    expect(monitor.handleTrap()).toEqual({ kind: 'exited', value: expectedExitValue() });
    expect(monitor.state(enclave)).toBe('ready');
    expect(hart.registers()).toEqual(new Array(32).fill(0));
  });

  it('computes the same result however often it is preempted', () => {
    const m = enclaveMachine();
    m.monitor.enter(m.enclave, ENCLAVE.base);
    let preemptions = 0;
    for (;;) {
      m.clint.armDeadline(0, 97);
      expect(m.hart.run(10_000)).toBe(StopReason.Trap);
      const stop = m.monitor.handleTrap();
      m.clint.disarm(0);
      if (stop.kind === 'exited') {
        expect(stop.value).toBe(expectedExitValue());
        break;
      }
      expect(stop.kind).toBe('interrupted');
      preemptions++;
      m.monitor.resume(m.enclave);
    }
    expect(preemptions).toBeGreaterThan(10);
  });
});
