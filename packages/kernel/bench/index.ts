// Benchmarks of @k5/kernel: Call/ReplyRecv round trips between two host tasks (beside two bare
// generators passing the same message), with 10, 1,000 and 10,000 threads alive, and the IPC
// fastpath against the slow path (ratio = speed-up); the round trip's kernel and host shares
// (ipc-breakdown.ts); CSpace lookup at depth 1 and 4; revoke of 100,000 derived caps (total time
// and the longest single step); the MCS figures of mcs.ts.
import { ObjectType, Rights } from '@k5/abi';
import { type BenchFigure, runBenchmarks } from '@k5/bench';
import { Cap } from '../src/cspace/cap';
import { cdtInsert, placeCap } from '../src/cspace/cdt';
import { revokeStep } from '../src/cspace/delete';
import { newResolved, resolveAddressBits } from '../src/cspace/lookup';
import { createKernel } from '../src/kernel';
import type { CNode } from '../src/objects/kobject';
import { createObject, originalCap } from '../src/objects/untyped';
import { hostFloorBenchCase, kernelEntriesBenchCase } from './ipc-breakdown';
import { bareBaseline, fastpathCalls, ipcSystem, ROUND_TRIPS } from './ipc-system';
import { mcsBenchCases } from './mcs';

const baseline = bareBaseline();
const cases = [10, 1000, 10_000].map((alive) => {
  const f = ipcSystem(alive);
  return {
    name: `ipc/call-replyrecv/${alive}-threads`,
    unit: 'ops/s' as const,
    perCall: ROUND_TRIPS,
    run: () => {
      f.executor.run({ maxSteps: 2 * ROUND_TRIPS });
    },
    baseline,
  };
});

/** Round trips with the fastpath (value) against the slow path (baseline): ratio = speed-up. */
function fastpathCase() {
  const fast = ipcSystem(10);
  const slow = ipcSystem(10, false);
  fast.executor.run({ maxSteps: 2 * ROUND_TRIPS });
  if (fastpathCalls(fast) === 0)
    throw new Error('the fastpath did not fire in the fastpath figure');
  return {
    name: 'ipc/call-replyrecv/fastpath-vs-slowpath',
    unit: 'ops/s' as const,
    perCall: ROUND_TRIPS,
    run: () => {
      fast.executor.run({ maxSteps: 2 * ROUND_TRIPS });
    },
    baseline: () => {
      slow.executor.run({ maxSteps: 2 * ROUND_TRIPS });
    },
  };
}

function lookupCase(levels: number) {
  const kernel = createKernel({ memory: { base: 0, size: 1 << 16 } });
  const k = kernel.state;
  const radix = 32 / levels;
  const nodes: CNode[] = [];
  for (let i = 0; i < levels; i++)
    nodes.push(createObject(k, ObjectType.CNode, 0, Math.min(radix, 8), null) as CNode);
  // depth 1: one CNode of radix 8 with guard 24; depth 4: four CNodes of radix 8.
  const guardBits = levels === 1 ? 24 : 0;
  const root = new Cap(ObjectType.CNode, nodes[0]!, Rights.All, 0, 0, guardBits);
  for (let i = 0; i + 1 < levels; i++)
    placeCap(nodes[i]!.slots[5]!, new Cap(ObjectType.CNode, nodes[i + 1]!, Rights.All));
  const ep = createObject(k, ObjectType.Endpoint, 0, 4, null);
  placeCap(nodes[levels - 1]!.slots[7]!, originalCap(ep));
  const cptr = levels === 1 ? 7 : 0x05050507;
  const out = newResolved();
  if (resolveAddressBits(root, cptr, 32, out).slot?.cap?.obj !== ep)
    throw new Error('lookup bench is miswired');
  return {
    name: `cspace/lookup-depth-${levels}`,
    unit: 'ops/s' as const,
    perCall: 1000,
    run: () => {
      for (let i = 0; i < 1000; i++) resolveAddressBits(root, cptr, 32, out);
    },
  };
}

function revokeFigures(): BenchFigure[] {
  const kernel = createKernel({ memory: { base: 0, size: 1 << 16 }, revokeBatch: 256 });
  const k = kernel.state;
  const cnode = createObject(k, ObjectType.CNode, 0, 17, null) as CNode;
  const ep = createObject(k, ObjectType.Endpoint, 0, 4, null);
  const parent = originalCap(ep);
  placeCap(cnode.slots[0]!, parent);
  for (let i = 1; i <= 100_000; i++) {
    const c = new Cap(ObjectType.Endpoint, ep, Rights.All);
    cdtInsert(parent, c);
    placeCap(cnode.slots[i]!, c);
  }
  let steps = 0;
  let longest = 0;
  const start = performance.now();
  for (;;) {
    const t0 = performance.now();
    const done = revokeStep(k, parent);
    longest = Math.max(longest, performance.now() - t0);
    steps++;
    if (done) break;
  }
  const total = performance.now() - start;
  if (parent.firstChild !== null || ep.capCount !== 1) throw new Error('revoke did not finish');
  return [
    { name: 'cspace/revoke-100000/total', unit: 'ms', value: total },
    { name: 'cspace/revoke-100000/longest-step', unit: 'ms', value: longest },
    { name: 'cspace/revoke-100000/steps', unit: 'count', value: steps },
  ];
}

await runBenchmarks('@k5/kernel', [
  ...cases,
  fastpathCase(),
  kernelEntriesBenchCase,
  lookupCase(1),
  lookupCase(4),
  ...revokeFigures(),
  ...mcsBenchCases,
  hostFloorBenchCase,
]);
