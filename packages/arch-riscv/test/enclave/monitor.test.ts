// The security monitor's rules: entry only at declared entry points (anything else changes
// nothing), states, layouts it refuses, the enclave's own confinement while it runs (no OS
// memory but its shared block), calls out of the enclave, faults, and destruction.
import { describe, expect, it } from 'vitest';
import { CSR_MCAUSE } from '../../src/csr';
import { SecurityMonitor } from '../../src/enclave/security-monitor';
import { StopReason } from '../../src/hart/execute';
import { Hart } from '../../src/hart/hart';
import { MemoryBus } from '../../src/hart/memory';
import { PmpAccess, PmpChecker } from '../../src/pmp/checker';
import { ExceptionCause, PrivilegeMode } from '../../src/trap';
import { addi, assemble, ecall, lui, lw, sw } from '../asm';
import { ENCLAVE, enclaveMachine, MONITOR, RAM, SHARED } from './machine';

const pmpSnapshot = (hart: Hart) =>
  Array.from({ length: hart.pmp.entryCount }, (_, i) => [
    hart.pmp.entryConfig(i),
    hart.pmp.readAddr(i),
  ]);

const code = (m: ReturnType<typeof enclaveMachine>, words: number[]) => {
  m.monitor.destroyEnclave(m.enclave);
  return m.monitor.createEnclave({
    memory: ENCLAVE,
    entryPoints: [ENCLAVE.base],
    image: assemble(words),
    shared: SHARED,
  });
};

describe('entering an enclave', () => {
  it('is refused anywhere but a declared entry point, and the refusal changes nothing', () => {
    const { hart, monitor, enclave } = enclaveMachine();
    const before = pmpSnapshot(hart);
    const registers = hart.registers();
    for (const at of [ENCLAVE.base + 4, ENCLAVE.base + 2, ENCLAVE.base - 4, RAM]) {
      expect(() => monitor.enter(enclave, at)).toThrow(
        expect.objectContaining({ code: 'enclave-bad-entry' }),
      );
    }
    expect(monitor.state(enclave)).toBe('ready');
    expect(monitor.running).toBeNull();
    expect(pmpSnapshot(hart)).toEqual(before);
    expect(hart.registers()).toEqual(registers);
  });

  it('starts it in U mode at the entry with cleared registers, its arguments and its stack', () => {
    const { hart, monitor, enclave } = enclaveMachine();
    for (let r = 1; r < 32; r++) hart.setRegister(r, 0xabc0 + r); // the OS side's values
    monitor.enter(enclave, ENCLAVE.base, [7, 8]);
    expect(hart.pc).toBe(ENCLAVE.base);
    expect(hart.mode).toBe(PrivilegeMode.User);
    const expected = new Array(32).fill(0);
    expected[2] = ENCLAVE.base + ENCLAVE.size;
    expected[10] = 7;
    expected[11] = 8;
    expect(hart.registers()).toEqual(expected);
    expect(() => monitor.enter(enclave, ENCLAVE.base)).toThrow(
      expect.objectContaining({ code: 'enclave-bad-state' }),
    );
    expect(() => monitor.resume(enclave)).toThrow(
      expect.objectContaining({ code: 'enclave-bad-state' }),
    );
  });

  it('reconfigures PMP: the enclave sees its memory and shared block, nothing of the OS', () => {
    const { hart, monitor, enclave } = enclaveMachine();
    const checker = new PmpChecker(hart.pmp);
    const u = (a: number, access: PmpAccess) => checker.allows(a, 4, access, PrivilegeMode.User);
    expect(u(ENCLAVE.base, PmpAccess.Read)).toBe(false);
    expect(u(RAM, PmpAccess.Read)).toBe(true);
    monitor.enter(enclave, ENCLAVE.base);
    expect(u(ENCLAVE.base, PmpAccess.Execute) && u(ENCLAVE.base + 0xffc, PmpAccess.Write)).toBe(
      true,
    );
    expect(u(SHARED.base, PmpAccess.Write) && !u(SHARED.base, PmpAccess.Execute)).toBe(true);
    expect(u(RAM, PmpAccess.Read) || u(MONITOR.base, PmpAccess.Read)).toBe(false);
  });
});

describe('an enclave that reaches out', () => {
  it('faults on OS memory; the OS learns the cause only, and it never runs again', () => {
    const m = enclaveMachine();
    const id = code(m, [lui(5, RAM >>> 12), lw(6, 5, 0)]);
    m.monitor.enter(id, ENCLAVE.base);
    expect(m.hart.run(100)).toBe(StopReason.Trap);
    expect(m.monitor.handleTrap()).toEqual({
      kind: 'faulted',
      cause: ExceptionCause.LoadAccessFault,
    });
    expect(m.hart.registers()).toEqual(new Array(32).fill(0));
    expect(m.monitor.state(id)).toBe('faulted');
    expect(() => m.monitor.enter(id, ENCLAVE.base)).toThrow(
      expect.objectContaining({ code: 'enclave-bad-state' }),
    );
  });

  it('writes results to its shared block and passes only a0..a6 out through a call', () => {
    const m = enclaveMachine();
    const id = code(m, [
      lui(5, SHARED.base >>> 12),
      addi(9, 0, 0x5a), // s1: a register it keeps to itself
      sw(9, 5, 0),
      addi(10, 0, 41),
      addi(17, 0, 3),
      ecall(),
      addi(10, 10, 1), // a0 = the call's result + 1
      addi(17, 0, 0x700),
      ecall(),
    ]);
    m.monitor.enter(id, ENCLAVE.base);
    expect(m.hart.run(100)).toBe(StopReason.Trap);
    const call = m.monitor.handleTrap();
    expect(call).toEqual({ kind: 'call', number: 3, args: [41, 0, 0, 0, 0, 0, 0] });
    expect(m.hart.getRegister(9)).toBe(0);
    expect(m.bus.read(SHARED.base, 4)).toBe(0x5a);
    m.monitor.resume(id, [99]);
    expect(m.hart.getRegister(9)).toBe(0x5a);
    expect(m.hart.run(100)).toBe(StopReason.Trap);
    expect(m.monitor.handleTrap()).toEqual({ kind: 'exited', value: 100 });
  });

  it('handleTrap without a running enclave is a typed error', () => {
    const { monitor } = enclaveMachine();
    expect(() => monitor.handleTrap()).toThrow(
      expect.objectContaining({ code: 'enclave-bad-state' }),
    );
  });
});

describe('layouts the monitor refuses', () => {
  const spec = {
    memory: { base: RAM + 0x4000, size: 0x1000 },
    entryPoints: [RAM + 0x4000],
    image: new Uint8Array(4),
  };
  const cases: [
    string,
    Partial<typeof spec> & { shared?: { base: number; size: number } },
    RegExp,
  ][] = [
    ['misaligned memory', { memory: { base: RAM + 0x4800, size: 0x1000 } }, /naturally aligned/],
    [
      'memory over the monitor',
      { memory: { base: MONITOR.base, size: 0x400 }, entryPoints: [MONITOR.base] },
      /overlaps the monitor/,
    ],
    [
      'memory over another enclave',
      { memory: { base: ENCLAVE.base, size: 0x2000 }, entryPoints: [ENCLAVE.base] },
      /overlaps signer/,
    ],
    [
      'memory outside RAM',
      { memory: { base: 0x1000_0000, size: 0x1000 }, entryPoints: [0x1000_0000] },
      /RAM region/,
    ],
    ['an entry point outside', { entryPoints: [RAM + 0x5000] }, /entry point/],
    ['no entry point', { entryPoints: [] }, /no entry point/],
    ['an image too big', { image: new Uint8Array(0x1001) }, /does not fit/],
    [
      'a shared block inside its memory',
      { shared: { base: RAM + 0x4000, size: 0x100 } },
      /shared block overlaps/,
    ],
  ];
  for (const [what, change, message] of cases) {
    it(what, () => {
      const { monitor } = enclaveMachine();
      expect(() => monitor.createEnclave({ ...spec, ...change })).toThrow(message);
    });
  }

  it('a third enclave when the monitor holds two', () => {
    const { monitor } = enclaveMachine();
    monitor.createEnclave(spec);
    expect(() =>
      monitor.createEnclave({
        ...spec,
        memory: { base: RAM + 0x6000, size: 0x1000 },
        entryPoints: [RAM + 0x6000],
      }),
    ).toThrow(/all are in use/);
  });

  it('monitor memory too small, or a PMP too small', () => {
    const bus = new MemoryBus();
    bus.addRam(RAM, 0x1_0000);
    const hart = new Hart({ bus });
    expect(
      () => new SecurityMonitor({ hart, memory: { base: RAM, size: 0x80 }, maxEnclaves: 2 }),
    ).toThrow(/256 bytes/);
    const small = new Hart({ bus: new MemoryBus(), pmp: { entries: 0 } });
    expect(() => new SecurityMonitor({ hart: small, memory: { base: RAM, size: 0x400 } })).toThrow(
      /maxEnclaves/,
    );
  });

  it('OS regions over enclave memory (solveOsLayout)', () => {
    const { monitor } = enclaveMachine();
    expect(() => monitor.solveOsLayout([{ base: ENCLAVE.base, size: 0x100, read: true }])).toThrow(
      expect.objectContaining({ code: 'pmp-reserved-conflict' }),
    );
    const layout = monitor.solveOsLayout([{ base: RAM, size: 0x1000, read: true, execute: true }]);
    expect(layout.entries[0]!.index).toBe(monitor.firstOsEntry);
  });
});

describe('destroying an enclave', () => {
  it('wipes its memory and frees its guard for another one', () => {
    const { hart, bus, monitor, enclave } = enclaveMachine();
    monitor.destroyEnclave(enclave);
    expect(bus.dump(ENCLAVE.base, ENCLAVE.size)).toEqual(new Uint8Array(ENCLAVE.size));
    expect(
      new PmpChecker(hart.pmp).allows(ENCLAVE.base, 4, PmpAccess.Read, PrivilegeMode.User),
    ).toBe(true);
    expect(() => monitor.state(enclave)).toThrow(/does not exist/);
    expect(hart.readCsr(CSR_MCAUSE)).toBe(0);
  });
});
