// Benchmarks of @k5/arch-riscv: reference-hart MIPS on an ALU loop, a memory loop and an
// insertion sort, each beside rp2040js's Cortex-M0+ running the equivalent hand-assembled
// Thumb code in the same process (ratio = ours / rp2040js), plus the host cost of a trap
// round trip (U-mode ecall → host handler → mret), the shape of a syscall, and the cost of real
// syscalls through the kernel: a machine-code thread's Yield (ecall → kernel → back to it) and
// a machine-code client's Call to a TypeScript server answered with ReplyRecv; and the cost a
// PMP enclave adds to a thread switch on the port (monitor save area, hart scrub, guard
// reconfiguration) beside the same switch between two ordinary threads.
import { encodeMessageInfo, type HostTask, ObjectType, Rights, Syscall } from '@k5/abi';
import { runBenchmarks } from '@k5/bench';
import { Sys, tcbResume } from '@k5/userspace';
import { RP2040 } from 'rp2040js';
import {
  CSR_MEPC,
  CSR_PMPADDR0,
  CSR_PMPCFG0,
  Hart,
  MemoryBus,
  PrivilegeMode,
  StopReason,
} from '../src/index';
import { bootRiscvSystem, RiscvPort, type RiscvSystem } from '../src/index';
import * as a from '../test/asm';
import { PC, RISCV_REGISTERS, RootEnv, spawn } from '../test/kernel/fixture';

const RAM = 0x8000_0000;
const SRAM = 0x2000_0000;
const STEPS = 200_000;

// ---- RISC-V side ----

function riscv(program: number[], stopOnTrap = false) {
  const bus = new MemoryBus();
  bus.addRam(RAM, 0x1_0000);
  bus.load(RAM, a.assemble(program));
  const hart = new Hart({ bus, resetVector: RAM, stopOnTrap });
  return { bus, hart };
}

// x5 counter, x6/x7 scratch: 4 instructions per iteration.
const rvAlu = riscv([a.add(6, 6, 5), a.xor(7, 6, 5), a.addi(5, 5, 1), a.bne(5, 0, -12)]);

// Walks a 1 KiB array at RAM + 0x1000 (x9), incrementing every word.
const rvMem = riscv([
  a.addi(6, 9, 0),
  a.lw(7, 6, 0),
  a.addi(7, 7, 1),
  a.sw(7, 6, 0),
  a.addi(6, 6, 4),
  a.bne(6, 8, -16),
  a.jal(0, -24),
]);
rvMem.hart.setRegister(9, RAM + 0x1000);
rvMem.hart.setRegister(8, RAM + 0x1400);

// Insertion sort of n words at x10 (n in x11), ending in ebreak.
const SORT_N = 64;
const rvSortProgram = [
  a.addi(12, 0, 1), // i = 1
  a.bge(12, 11, 52), // outer: i >= n → done
  a.slli(13, 12, 2),
  a.add(13, 10, 13), // p = &a[i]
  a.lw(14, 13, 0), // key
  a.beq(13, 10, 24), // inner: p == a → place
  a.lw(15, 13, -4),
  a.bge(14, 15, 16), // key >= a[j-1] → place
  a.sw(15, 13, 0),
  a.addi(13, 13, -4),
  a.jal(0, -20), // → inner
  a.sw(14, 13, 0), // place
  a.addi(12, 12, 1),
  a.jal(0, -48), // → outer
  a.ebreak(), // done
];
const rvSort = riscv(rvSortProgram, true);
const unsorted = new Uint8Array(SORT_N * 4);
{
  const view = new DataView(unsorted.buffer);
  let seed = 12345;
  for (let i = 0; i < SORT_N; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    view.setInt32(i * 4, seed >> 8, true);
  }
}
function rvSortOnce(): number {
  const { hart, bus } = rvSort;
  bus.load(RAM + 0x1000, unsorted);
  hart.pc = RAM;
  hart.setRegister(10, RAM + 0x1000);
  hart.setRegister(11, SORT_N);
  const before = hart.instret;
  if (hart.run(1_000_000) !== StopReason.Trap) throw new Error('riscv sort did not finish');
  return hart.instret - before;
}

// ---- rp2040js side (Thumb, hand-assembled; see the comments for each encoding) ----

function thumb(halfwords: number[]) {
  const mcu = new RP2040();
  const bytes = new Uint8Array(halfwords.length * 2);
  halfwords.forEach((h, i) => {
    bytes[2 * i] = h & 0xff;
    bytes[2 * i + 1] = h >>> 8;
  });
  mcu.sram.set(bytes, 0);
  mcu.core.SP = SRAM + 0x1_0000;
  mcu.core.PC = SRAM;
  return mcu;
}

// loop: adds r1, r1, r0 | mov r2, r1 | eors r2, r0 | adds r0, #1 | bne loop
const m0Alu = thumb([0x1809, 0x460a, 0x4042, 0x3001, 0xd1fa]);

// 0: mov r1, r4 | 2: ldr r2, [r1] | 4: adds r2, #1 | 6: str r2, [r1] | 8: adds r1, #4
// 10: cmp r1, r5 | 12: bne 2 | 14: b 0     (r4 = array, r5 = array + 1 KiB)
const m0Mem = thumb([0x4621, 0x680a, 0x3201, 0x600a, 0x3104, 0x42a9, 0xd1f9, 0xe7f7]);
m0Mem.core.registers[4] = SRAM + 0x1000;
m0Mem.core.registers[5] = SRAM + 0x1400;

// r0 = a, r1 = n, r2 = i, r3 = p, r4 = key, r5 = tmp
const m0SortProgram = [
  0x2201, // 0: movs r2, #1
  0x428a, // 2: outer: cmp r2, r1
  0xda0e, // 4: bge done (36)
  0x0093, // 6: lsls r3, r2, #2
  0x18c3, // 8: adds r3, r0, r3
  0x681c, // 10: ldr r4, [r3]
  0x4283, // 12: inner: cmp r3, r0
  0xd006, // 14: beq place (30)
  0x1f1d, // 16: subs r5, r3, #4
  0x682d, // 18: ldr r5, [r5]
  0x42ac, // 20: cmp r4, r5
  0xda02, // 22: bge place (30)
  0x601d, // 24: str r5, [r3]
  0x3b04, // 26: subs r3, #4
  0xe7f6, // 28: b inner (12)
  0x601c, // 30: place: str r4, [r3]
  0x3201, // 32: adds r2, #1
  0xe7ee, // 34: b outer (2)
  0xbe00, // 36: done: bkpt #0
];
const m0Sort = thumb(m0SortProgram);
const M0_DONE = SRAM + 36;
function m0SortPrepare(): void {
  m0Sort.sram.set(unsorted, 0x1000);
  m0Sort.core.PC = SRAM;
  m0Sort.core.registers[0] = SRAM + 0x1000;
  m0Sort.core.registers[1] = SORT_N;
}
function m0SortCount(): number {
  m0SortPrepare();
  let n = 0;
  while (m0Sort.core.PC !== M0_DONE) {
    m0Sort.core.executeInstruction();
    n++;
  }
  return n;
}

// ---- Sanity: both sides really sort, with known instruction counts ----

const rvSortInstructions = rvSortOnce();
const m0SortInstructions = m0SortCount();
{
  const expected = Array.from({ length: SORT_N }, (_, i) =>
    new DataView(unsorted.buffer).getInt32(i * 4, true),
  ).sort((x, y) => x - y);
  const rvOut = new DataView(rvSort.bus.dump(RAM + 0x1000, SORT_N * 4).buffer);
  const m0Out = new DataView(m0Sort.sram.buffer, 0x1000, SORT_N * 4);
  for (let i = 0; i < SORT_N; i++) {
    if (
      rvOut.getInt32(i * 4, true) !== expected[i] ||
      m0Out.getInt32(i * 4, true) !== expected[i]
    ) {
      throw new Error(`sort mismatch at ${i}`);
    }
  }
}

function m0Run(mcu: RP2040, steps: number): void {
  const core = mcu.core;
  for (let i = 0; i < steps; i++) core.executeInstruction();
}

// ---- Trap round trip: U-mode ecall, host handler bumps mepc and does mret ----

const rvTrap = riscv([a.ecall(), a.jal(0, -4)], true);
rvTrap.hart.writeCsr(CSR_PMPADDR0, 0xffff_ffff);
rvTrap.hart.writeCsr(CSR_PMPCFG0, 0x1f);
rvTrap.hart.mode = PrivilegeMode.User;
function trapRoundTrip(): void {
  const hart = rvTrap.hart;
  if (hart.run(10) !== StopReason.Trap) throw new Error('no trap');
  hart.writeCsr(CSR_MEPC, hart.readCsr(CSR_MEPC) + 4);
  hart.mret();
}

// ---- Syscalls through the kernel, on RiscvPort with the MachineCodeRunner ----

const EP = 1;
const REPLY = 2;

/**
 * Boots a system whose machine-code thread runs `program` (from its region's base, a0 = EP)
 * beside an optional host server on endpoint slot EP, and runs it past the root task.
 */
function kernelSystem(program: number[], server?: HostTask): RiscvSystem {
  let system!: RiscvSystem;
  system = bootRiscvSystem({
    programs: server ? { server } : {},
    root: (boot) =>
      function* (ctx) {
        const env = new RootEnv(new Sys(ctx), boot);
        const ep = yield* env.retype(ObjectType.Endpoint, 0);
        const reply = yield* env.retype(ObjectType.Reply, 0);
        if (server) {
          const s = yield* spawn(env, {
            entry: boot.programs.server!,
            priority: 150,
            caps: [
              { slot: EP, from: ep, rights: Rights.Read },
              { slot: REPLY, from: reply, rights: Rights.All },
            ],
          });
          yield* tcbResume(env.sys, s.tcb);
        }
        const c = yield* spawn(env, {
          priority: 100,
          caps: [{ slot: EP, from: ep, rights: Rights.Write | Rights.GrantReply }],
          regions: [{ sizeBits: 10, rights: Rights.Read }],
          beforeStart: ([code]) => {
            system.runner.load(code!, a.assemble(program));
            const regs = new Array<number>(RISCV_REGISTERS).fill(0);
            regs[PC] = code!;
            return regs;
          },
        });
        yield* tcbResume(env.sys, c.tcb);
      },
  });
  system.run({ maxSteps: 5_000 });
  return system;
}

const KERNEL_STEPS = 20_000;

// Yield in a loop: every runner step is one ecall round trip of the same thread.
const yieldSystem = kernelSystem([a.addi(17, 0, Syscall.Yield), a.ecall(), a.jal(0, -8)]);

// Call(EP, label 0, 1 MR) in a loop; the server adds one and replies.
const echoServer: HostTask = function* (ctx) {
  const sys = new Sys(ctx);
  yield* sys.recv(EP, REPLY);
  for (;;) {
    sys.setMR(0, sys.getMR(0) + 1);
    yield* sys.replyRecv(EP, encodeMessageInfo(0, 1), REPLY);
  }
};
const callSystem = kernelSystem(
  [
    a.addi(10, 0, EP),
    a.addi(11, 0, encodeMessageInfo(0, 1)),
    a.addi(16, 0, 0),
    a.addi(17, 0, Syscall.Call),
    a.ecall(),
    a.addi(12, 12, 0), // MR0 comes back incremented in a2 and is sent again
    a.jal(0, -24),
  ],
  echoServer,
);

/** Syscalls a run of KERNEL_STEPS runner steps makes (from a calibration run). */
function syscallsPerRun(system: RiscvSystem): number {
  const before = system.runner.stats.syscalls;
  system.run({ maxSteps: KERNEL_STEPS });
  return system.runner.stats.syscalls - before;
}
const yieldsPerRun = syscallsPerRun(yieldSystem);
const callsPerRun = syscallsPerRun(callSystem);
if (yieldsPerRun < KERNEL_STEPS / 2 || callsPerRun < KERNEL_STEPS / 4) {
  throw new Error(`kernel systems are not looping (${yieldsPerRun}, ${callsPerRun} ecalls)`);
}

// ---- Switching in and out of a PMP enclave on the port ----

const PORT_RAM = 0x2000_0000;
/** Two threads spinning on `j .`, alternately run for a few cycles; one of them maybe an enclave's. */
function switchPair(enclave: boolean) {
  const port = new RiscvPort();
  port.bus.addRam(PORT_RAM, 0x1_0000);
  port.bus.load(PORT_RAM, a.assemble([a.jal(0, 0)]));
  port.bus.load(PORT_RAM + 0x8000, a.assemble([a.jal(0, 0)]));
  const rwx = 7;
  const os = port.createContext();
  port.setMemoryMap(os, [{ base: PORT_RAM, size: 0x1000, access: rwx }]);
  port.writeRegister(os, PC, PORT_RAM);
  const other = port.createContext();
  port.setMemoryMap(other, [{ base: PORT_RAM + 0x8000, size: 0x1000, access: rwx }]);
  port.writeRegister(other, PC, PORT_RAM + 0x8000);
  if (enclave) {
    const domain = { id: 1, base: PORT_RAM + 0x8000, size: 0x1000, entries: [PORT_RAM + 0x8000] };
    port.addEnclave(domain);
    port.setEnclave(other, domain);
  }
  return () => {
    for (const ctx of [os, other]) {
      port.switchTo(ctx);
      port.loadOnHart(ctx);
      port.hart.run(4);
      port.saveFromHart(ctx, false);
    }
  };
}
const plainPair = switchPair(false);
const enclavePair = switchPair(true);

await runBenchmarks('@k5/arch-riscv', [
  {
    name: 'hart/alu-loop',
    unit: 'MIPS',
    perCall: STEPS,
    run: () => {
      rvAlu.hart.run(STEPS);
    },
    baseline: () => m0Run(m0Alu, STEPS),
  },
  {
    name: 'hart/memory-loop',
    unit: 'MIPS',
    perCall: STEPS,
    run: () => {
      rvMem.hart.run(STEPS);
    },
    baseline: () => m0Run(m0Mem, STEPS),
  },
  {
    name: 'hart/insertion-sort-64',
    unit: 'MIPS',
    perCall: rvSortInstructions,
    run: () => {
      rvSortOnce();
    },
    baseline: () => {
      m0SortPrepare();
      m0Run(m0Sort, m0SortInstructions);
    },
    baselinePerCall: m0SortInstructions,
  },
  {
    name: 'hart/trap-round-trip',
    unit: 'ns',
    run: trapRoundTrip,
  },
  {
    name: 'kernel/machine-code-yield-round-trip',
    unit: 'ns',
    perCall: yieldsPerRun,
    run: () => {
      yieldSystem.run({ maxSteps: KERNEL_STEPS });
    },
  },
  {
    name: 'kernel/machine-code-call-host-server-round-trip',
    unit: 'ns',
    perCall: callsPerRun,
    run: () => {
      callSystem.run({ maxSteps: KERNEL_STEPS });
    },
  },
  {
    name: 'port/switch-pair-ordinary',
    unit: 'ns',
    run: plainPair,
  },
  {
    name: 'port/switch-pair-enclave',
    unit: 'ns',
    run: enclavePair,
    baseline: plainPair,
  },
]);
