// Where a Call/ReplyRecv round trip between two host tasks spends its time, included by
// bench/index.ts. `kernel-entries`: the kernel's two entries alone, driven with the syscall
// registers written directly (no generators, no executor), fastpath as the value and slow path as
// the baseline. `host-floor`: the same two tasks and executor with a stand-in kernel that only
// copies the message and swaps the running thread, against the bare generators: the best ratio
// any kernel could reach with this executor and these syscall stubs. The round-trip figure of
// index.ts is about the sum of the two values' times.
import { Syscall } from '@k5/abi';
import type { BenchCase } from '@k5/bench';
import type { Tcb } from '../src/objects/kobject';
import { C, type Fixture } from '../test/fixture';
import {
  bareBaseline,
  CALL_INFO,
  fastpathCalls,
  ipcSystem,
  REPLY_INFO,
  ROUND_TRIPS,
} from './ipc-system';

/** `ROUND_TRIPS` round trips of kernel entries alone, as the two tasks' syscalls would make them. */
function kernelEntries(f: Fixture): () => void {
  const kernel = f.kernel;
  const k = kernel.state;
  const port = kernel.port;
  const conv = port.convention;
  const [slot0, slot1, , , , , slot6] = conv.argumentRegisters as number[];
  const client = f.threads[1]!;
  const entry = (t: Tcb) => {
    const ctx = t.context;
    port.writeRegister(ctx, slot0!, C.ep(0));
    if (t === client) {
      port.writeRegister(ctx, slot1!, CALL_INFO);
      port.writeRegister(ctx, conv.numberRegister, Syscall.Call);
    } else {
      port.writeRegister(ctx, slot1!, REPLY_INFO);
      port.writeRegister(ctx, slot6!, C.reply);
      port.writeRegister(ctx, conv.numberRegister, Syscall.ReplyRecv);
    }
    kernel.syscall(t);
  };
  return () => {
    for (let i = 0; i < 2 * ROUND_TRIPS; i++) entry(k.current!);
  };
}

function kernelEntriesCase(): BenchCase {
  const fast = ipcSystem(10);
  const slow = ipcSystem(10, false);
  const before = fastpathCalls(fast);
  const run = kernelEntries(fast);
  run();
  if (fastpathCalls(fast) - before !== ROUND_TRIPS)
    throw new Error('the kernel-entries figure left the fastpath');
  return {
    name: 'ipc/call-replyrecv/kernel-entries',
    unit: 'ops/s',
    perCall: ROUND_TRIPS,
    run,
    baseline: kernelEntries(slow),
  };
}

/** The two tasks on their executor, with `kernel.syscall` replaced by a message copy and a swap. */
function hostFloorCase(): BenchCase {
  const f = ipcSystem(10);
  const kernel = f.kernel;
  const k = kernel.state;
  const port = kernel.port;
  const [server, client] = f.threads as [Tcb, Tcb];
  const [slot0, slot1, mr0] = port.convention.argumentRegisters as number[];
  const stub = (t: Tcb) => {
    const to = t === client ? server : client;
    // What the receiver reads: the badge, the info word and MR0 (the only MR either side uses).
    port.writeRegister(to.context, slot0!, 0);
    port.writeRegister(to.context, slot1!, port.readRegister(t.context, slot1!));
    port.writeRegister(to.context, mr0!, port.readRegister(t.context, mr0!));
    k.current = to;
  };
  (kernel as { syscall: (t: Tcb) => void }).syscall = stub;
  return {
    name: 'ipc/call-replyrecv/host-floor',
    unit: 'ops/s',
    perCall: ROUND_TRIPS,
    run: () => {
      f.executor.run({ maxSteps: 2 * ROUND_TRIPS });
    },
    baseline: bareBaseline(),
  };
}

export const kernelEntriesBenchCase = kernelEntriesCase();

/**
 * Installed on its own kernel only, but the executor's call site then sees two kinds of
 * `syscall`: run this figure after every other executor figure.
 */
export const hostFloorBenchCase = hostFloorCase();
