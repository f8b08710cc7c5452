// Benchmarks of the AArch64 port: translation throughput with a warm TLB against a full table
// walk (the cold path), and TLB maintenance per 1,000 context switches among 100 tasks, first
// with enough ASIDs (target: zero full flushes) and then with ASIDs exhausted (roll-overs);
// then the same figure through the real kernel port: 100 host threads booted with
// bootSystem({ port: new Aarch64Port() }) that each touch their own page and Yield; and
// interrupt round trips through the port's IRQ entry: a device line raised, acknowledged at
// the GIC, delivered by the kernel to a driver task, cleared and acknowledged by the driver.
import { type BootInfo, type HostTask, ObjectType, Rights } from '@k5/abi';
import { type BenchFigure, runBenchmarks } from '@k5/bench';
import { bootSystem } from '@k5/kernel';
import {
  irqControlGet,
  irqHandlerAck,
  irqHandlerSetNotification,
  regionGetInfo,
  regionMap,
  Sys,
  tcbResume,
  tcbSetSchedParams,
  tcbWriteRegisters,
  untypedRetype,
} from '@k5/userspace';
import {
  Aarch64Port,
  AccessKind,
  AccessPermission,
  AsidAllocator,
  createWalkContext,
  DEFAULT_TCR,
  FramePool,
  Mmu,
  PageTableBuilder,
  SparseMemory,
  translate,
} from '../src/index';

const PAGES = 256;
const TASKS = 100;
const SWITCHES = 1000;
const TOUCH = 4; // pages touched by a task each time it runs

// ---- translation: one address space with 256 scattered 4 KiB pages ----
const memory = new SparseMemory();
const pool = new FramePool(0x4000_0000, 8192);
const builder = new PageTableBuilder(memory, pool);
const vas: number[] = [];
for (let i = 0; i < PAGES; i++) {
  // Spread over L0/L1/L2 slots so a walk really reads four levels of different tables.
  const va = 0x10_0000_0000 * (i % 4) + 0x4000_0000 * (i % 3) + 0x20_0000 * (i % 7) + i * 0x1000;
  builder.map({
    va,
    pa: 0x8000_0000 + i * 0x1000,
    size: 4096,
    ap: AccessPermission.ReadWrite,
    uxn: true,
    pxn: true,
    attrIndx: 0,
  });
  vas.push(va + 0x123);
}
const mmu = new Mmu(memory, { tlb: { capacity: 1024 } });
const asids = new AsidAllocator();
const space = { root: builder.root, asid: AsidAllocator.newHandle() };
mmu.switchTo(space, asids);
for (const va of vas) mmu.translate(va, AccessKind.Read, 0); // warm the TLB
const ctx = createWalkContext(DEFAULT_TCR, { asid: mmu.asid, baddr: builder.root });

let sink = 0;
const warm = () => {
  for (const va of vas) {
    const r = mmu.translate(va, AccessKind.Read, 0);
    if (r.ok) sink += r.pa;
  }
};
const cold = () => {
  for (const va of vas) {
    const r = translate(memory, ctx, va, AccessKind.Read, 0);
    if (r.ok) sink += r.pa;
  }
};

// ---- context switches among 100 tasks ----
function switchingSystem(asidLimit: number | undefined) {
  const mem = new SparseMemory();
  const frames = new FramePool(0x4000_0000, 8192);
  const m = new Mmu(mem, { tlb: { capacity: 1024 } });
  const alloc = new AsidAllocator(asidLimit === undefined ? {} : { limit: asidLimit });
  const tasks = Array.from({ length: TASKS }, (_, t) => {
    const b = new PageTableBuilder(mem, frames);
    // Every task uses the same VAs (as real tasks do), backed by its own frames.
    b.map({
      va: 0x40_0000,
      pa: 0x1_0000_0000 + t * 0x10000,
      size: TOUCH * 4096,
      ap: AccessPermission.ReadWrite,
      uxn: true,
      pxn: true,
      attrIndx: 0,
    });
    return { root: b.root, asid: AsidAllocator.newHandle() };
  });
  let seed = 12345;
  const next = () => {
    // 32-bit LCG (Math.imul keeps it exact); the high bits are the well-distributed ones.
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 16) % TASKS;
  };
  const run = (switches: number) => {
    for (let i = 0; i < switches; i++) {
      m.switchTo(tasks[next()]!, alloc);
      for (let p = 0; p < TOUCH; p++) {
        const r = m.translate(0x40_0000 + p * 4096, AccessKind.Read, 0);
        if (r.ok) sink += r.pa;
      }
    }
  };
  return { m, alloc, run };
}

function switchFigures(label: string, asidLimit: number | undefined): BenchFigure[] {
  const sys = switchingSystem(asidLimit);
  sys.run(SWITCHES); // warm-up round: first-time ASID allocations and cold walks
  sys.m.tlb.resetCounters();
  const rolloversBefore = sys.alloc.counters.rollovers;
  sys.run(SWITCHES);
  const c = sys.m.tlb.counters;
  const allTlbi = Object.values(c.flushes).reduce((a, b) => a + b, 0);
  return [
    { name: `ctxswitch/${label}/full-flushes-per-1000`, unit: 'count', value: c.flushes.VMALLE1 },
    { name: `ctxswitch/${label}/tlbi-per-1000`, unit: 'count', value: allTlbi },
    {
      name: `ctxswitch/${label}/rollovers-per-1000`,
      unit: 'count',
      value: sys.alloc.counters.rollovers - rolloversBefore,
    },
    {
      name: `ctxswitch/${label}/tlb-hit-rate`,
      unit: '%',
      value: (100 * c.hits) / (c.hits + c.misses),
    },
  ];
}

// ---- the real port: 100 host threads on the kernel ----
const THREADS = 100;

/** A thread: touch its own page (x9), then Yield to the next thread of its priority. */
const spinner: HostTask = function* (ctx) {
  const sys = new Sys(ctx);
  const page = ctx.getRegister(9);
  for (;;) {
    sink += ctx.read32(page);
    yield* sys.yield();
  }
};

function portRoot(boot: BootInfo): HostTask {
  return function* (ctx) {
    const sys = new Sys(ctx);
    const ut = [...boot.untyped].sort((a, b) => b.sizeBits - a.sizeBits)[0]!.cptr;
    let free = boot.emptySlots[0];
    const retype = function* (type: number, bits: number, n: number) {
      const at = free;
      free += n;
      const e = yield* untypedRetype(sys, ut, type, bits, boot.caps.rootCNode, 0, 0, at, n);
      if (e !== 0) throw new Error(`retype of type ${type} failed with error ${e}`);
      return at;
    };
    const regions = yield* retype(ObjectType.Region, 12, THREADS);
    const tcbs = yield* retype(ObjectType.Tcb, 0, THREADS);
    const scs = yield* retype(ObjectType.SchedContext, 8, THREADS);
    for (let i = 0; i < THREADS; i++) {
      yield* regionGetInfo(sys, regions + i);
      const page = sys.getMR(0);
      yield* regionMap(sys, regions + i, tcbs + i, Rights.ReadWrite);
      const regs = new Array<number>(ctx.convention.pcRegister + 1).fill(0);
      regs[9] = page;
      regs[ctx.convention.pcRegister] = boot.programs.spinner!;
      yield* tcbWriteRegisters(sys, tcbs + i, false, regs);
      yield* tcbSetSchedParams(sys, tcbs + i, boot.caps.rootTcb, 200, 100, scs + i, 0);
      yield* tcbResume(sys, tcbs + i);
    }
  };
}

function portSystem(asidLimit: number | undefined) {
  const port = new Aarch64Port(asidLimit === undefined ? {} : { asidLimit });
  const system = bootSystem({
    root: portRoot,
    programs: { spinner },
    port,
    memorySize: 2 * 1024 * 1024,
    rootCNodeRadix: 10,
  });
  system.run({ maxSteps: 5000 }); // the root's set-up, then every thread once: ASIDs and walks
  return { port, run: (steps: number) => system.run({ maxSteps: steps }) };
}

function portFigures(label: string, asidLimit: number | undefined): BenchFigure[] {
  const sys = portSystem(asidLimit);
  const tlb = sys.port.mmu.tlb;
  tlb.resetCounters();
  const switches0 = sys.port.counters.switches;
  const rollovers0 = sys.port.asids.counters.rollovers;
  while (sys.port.counters.switches - switches0 < SWITCHES) sys.run(10);
  const switches = sys.port.counters.switches - switches0;
  const per1000 = (n: number) => (n * SWITCHES) / switches;
  const allTlbi = Object.values(tlb.counters.flushes).reduce((a, b) => a + b, 0);
  return [
    {
      name: `port/${label}/full-flushes-per-1000-switches`,
      unit: 'count',
      value: per1000(tlb.counters.flushes.VMALLE1),
    },
    { name: `port/${label}/tlbi-per-1000-switches`, unit: 'count', value: per1000(allTlbi) },
    {
      name: `port/${label}/rollovers-per-1000-switches`,
      unit: 'count',
      value: per1000(sys.port.asids.counters.rollovers - rollovers0),
    },
    {
      name: `port/${label}/tlb-hit-rate`,
      unit: '%',
      value: (100 * tlb.counters.hits) / (tlb.counters.hits + tlb.counters.misses),
    },
  ];
}

// ---- interrupt round trips: device → GIC → port → kernel → driver task → ack ----
const IRQ_LINE = 5;

function irqSystem() {
  const port = new Aarch64Port();
  const driver: HostTask = function* (ctx) {
    const sys = new Sys(ctx);
    const [ntfn, handler] = [ctx.getRegister(9), ctx.getRegister(10)];
    for (;;) {
      yield* sys.wait(ntfn);
      port.setLineLevel(IRQ_LINE, false); // the driver clears the device (its MMIO write)
      yield* irqHandlerAck(sys, handler);
    }
  };
  const root = (boot: BootInfo): HostTask =>
    function* (ctx) {
      const sys = new Sys(ctx);
      const ut = [...boot.untyped].sort((a, b) => b.sizeBits - a.sizeBits)[0]!.cptr;
      const at = boot.emptySlots[0];
      const cn = boot.caps.rootCNode;
      yield* untypedRetype(sys, ut, ObjectType.Notification, 0, cn, 0, 0, at, 1);
      yield* irqControlGet(sys, boot.caps.irqControl, IRQ_LINE, cn, at + 1, boot.rootCNodeDepth);
      yield* irqHandlerSetNotification(sys, at + 1, at);
      // The root becomes the driver: it shares its CSpace with nothing else.
      ctx.setRegister(9, at);
      ctx.setRegister(10, at + 1);
      yield* driver(ctx);
    };
  const system = bootSystem({ root, port });
  system.run();
  return {
    port,
    roundTrip: () => {
      port.setLineLevel(IRQ_LINE, true);
      port.takeInterrupts(system.kernel);
      system.run();
    },
  };
}
const irq = irqSystem();
irq.roundTrip();
const irqAcks0 = irq.port.gic.cpu.counters.acknowledged;
for (let i = 0; i < 1000; i++) irq.roundTrip();
const irqFigures: BenchFigure[] = [
  {
    name: 'irq/gic-acknowledges-per-1000-round-trips',
    unit: 'count',
    value: irq.port.gic.cpu.counters.acknowledged - irqAcks0,
  },
  { name: 'irq/tlb-flushes', unit: 'count', value: irq.port.mmu.tlb.counters.flushes.VMALLE1 },
];

const portWithAsids = portSystem(undefined);
const portExhausted = portSystem(32);

const withAsids = switchingSystem(undefined);
const exhausted = switchingSystem(32);
withAsids.run(SWITCHES);
exhausted.run(SWITCHES);

await runBenchmarks('@k5/arch-aarch64', [
  { name: 'translate/warm-tlb-vs-walk', unit: 'ops/s', perCall: PAGES, run: warm, baseline: cold },
  { name: 'translate/cold-walk', unit: 'ops/s', perCall: PAGES, run: cold },
  ...switchFigures('100-tasks-16bit-asids', undefined),
  ...switchFigures('100-tasks-32-asids', 32),
  ...portFigures(`${THREADS}-threads-16bit-asids`, undefined),
  ...portFigures(`${THREADS}-threads-32-asids`, 32),
  ...irqFigures,
  { name: 'irq/line-to-driver-and-ack-round-trips', unit: 'ops/s', run: irq.roundTrip },
  {
    name: 'port/yield+touch-steps-asids-vs-exhausted',
    unit: 'ops/s',
    perCall: 100,
    run: () => portWithAsids.run(100),
    baseline: () => portExhausted.run(100),
  },
  {
    name: 'ctxswitch/switch+4-touches-asids-vs-exhausted',
    unit: 'ops/s',
    perCall: 100,
    run: () => withAsids.run(100),
    baseline: () => exhausted.run(100),
  },
]);
if (sink === 0.5) process.stderr.write('unreachable\n'); // keeps `sink` observable
