// bootApp end to end on the generic port: the manifest's tasks talk over the endpoint it names
// with the badge it mints, log through the kernel log channel with their manifest index as task
// id, fault to the supervisor, and see only the memory the manifest maps for them.
import { encodeMessageInfo, FaultLabel, type HostTask } from '@k5/abi';
import { irqHandlerAck, Sys } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { AppBootError, bootApp } from '../src/app/index';
import { GenericPort } from '../src/arch/generic-port';
import { PhysicalMemory } from '../src/memory';
import type { AppManifest } from '../src/app/manifest';
import { LogChannel } from '../src/log/log-channel';
import { LogDemuxer } from '../src/log/log-demux';
import { TraceRecorder } from '../src/trace';
import { GOOD } from './app-fixture';

function programs(out: string[]): Record<string, HostTask> {
  return {
    server: function* (ctx) {
      const sys = new Sys(ctx);
      let badge = yield* sys.recv(1, 2);
      for (;;) {
        const n = sys.getMR(0);
        out.push(`server got ${n} badge ${badge.toString(16)}`);
        yield* sys.log(2, Uint8Array.of(0xaa, n));
        sys.setMR(0, n * 10);
        yield* sys.work(100);
        badge = yield* sys.replyRecv(1, encodeMessageInfo(0, 1), 2);
      }
    },
    client: function* (ctx) {
      const sys = new Sys(ctx);
      for (let n = 1; n <= 2; n++) {
        sys.setMR(0, n);
        yield* sys.call(1, encodeMessageInfo(0, 1));
        out.push(`client reply ${sys.getMR(0)}`);
        yield* sys.log(2, Uint8Array.of(0xbb, sys.getMR(0)));
      }
    },
  };
}

describe('bootApp', () => {
  it('boots the manifest: IPC with the minted badge, per-task log frames, invariants hold', () => {
    const out: string[] = [];
    const channel = new LogChannel();
    const app = bootApp(GOOD, { programs: programs(out), logChannel: channel });
    expect(app.kernel.checkInvariants()).toEqual([]);
    app.run({ checkInvariants: true });
    expect(out).toEqual([
      'server got 1 badge 91',
      'client reply 10',
      'server got 2 badge 91',
      'client reply 20',
    ]);
    const frames = new LogDemuxer({ taskCount: 2 }).push(channel.read());
    expect(frames.map((f) => [f.taskId, ...f.payload])).toEqual([
      [0, 0xaa, 1],
      [1, 0xbb, 10],
      [0, 0xaa, 2],
      [1, 0xbb, 20],
    ]);
    // 200 ticks of work; the server's 200-tick budget also pays for its kernel entries, so its
    // last reply waits for the refill at 1000.
    expect(app.kernel.now).toBe(1000);
  });

  it('names threads after tasks and maps exactly stack, IPC buffer and manifest regions', () => {
    const app = bootApp(GOOD, { programs: programs([]) });
    const [server, client] = app.tasks;
    expect(server!.tcb.name).toBe('server');
    expect(app.taskOfThread(client!.tcb.id)).toBe(client);
    const shared = app.plan.blocks.find((b) => b.name === 'region:shared')!;
    expect(client!.tcb.mappings.map((m) => [m.region.base, m.access])).toEqual([
      [client!.ipcBuffer.base, 7],
      [client!.stack.base, 7],
      [shared.base, 5], // read: read + execute, no write
    ]);
    const sp = app.kernel.port.readRegister(
      client!.tcb.context,
      app.kernel.port.convention.spRegister,
    );
    expect(sp).toBe(client!.stack.base + 512);
  });

  it('configures budgets: a server over its budget waits for its next period', () => {
    const out: string[] = [];
    const app = bootApp(GOOD, { programs: programs(out) });
    expect(app.tasks[0]!.tcb.sc!.budget).toBe(200);
    expect(app.tasks[0]!.tcb.sc!.period).toBe(1000);
    expect(app.tasks[1]!.tcb.sc!.budget).toBe(0); // no budget: unlimited
    app.run({ checkInvariants: true });
    expect(out).toHaveLength(4);
  });

  it('gives IRQ caps: the line signals the notification with the badge, Ack unmasks it', () => {
    const manifest: AppManifest = {
      ...GOOD,
      tasks: [
        {
          ...GOOD.tasks[1]!,
          caps: [
            { kind: 'irq', slot: 3, irq: 5, notification: 'events', badge: 0x20 },
            { kind: 'notification', slot: 2, notification: 'events', rights: ['read'] },
          ],
        },
      ],
    };
    const seen: number[] = [];
    const masked: string[] = [];
    const port = new GenericPort();
    const lines = {
      lineCount: 8,
      mask: (irq: number) => masked.push(`mask ${irq}`),
      unmask: (irq: number) => masked.push(`unmask ${irq}`),
    };
    Object.defineProperty(port, 'interrupts', { value: lines });
    const app = bootApp(manifest, {
      port,
      programs: {
        client: function* (ctx) {
          const sys = new Sys(ctx);
          seen.push(yield* sys.wait(2));
          seen.push(yield* irqHandlerAck(sys, 3));
        },
      },
    });
    app.run({ checkInvariants: true });
    app.kernel.interrupt(5);
    app.run({ checkInvariants: true });
    expect(seen).toEqual([0x20, 0]);
    expect(masked).toEqual(['unmask 5', 'mask 5', 'unmask 5']);
  });

  it('refuses a budget the kernel rejects, naming the task', () => {
    const manifest: AppManifest = { ...GOOD, tasks: [{ ...GOOD.tasks[1]!, budget: 1, period: 1 }] };
    expect(() => bootApp(manifest, { programs: programs([]) })).toThrow(
      /tasks\[0\] \(client\): budget 1\/period 1 rejected/,
    );
  });

  it('delivers a task fault to the supervisor, badged with the task index + 1', () => {
    const seen: number[] = [];
    const manifest: AppManifest = {
      ...GOOD,
      tasks: [
        {
          ...GOOD.tasks[0]!,
          caps: [
            { kind: 'faults', slot: 3 },
            { kind: 'reply', slot: 2 },
          ],
        },
        { ...GOOD.tasks[1]!, caps: [] },
      ],
    };
    const trace = new TraceRecorder();
    const app = bootApp(manifest, {
      trace: trace.sink,
      programs: {
        server: function* (ctx) {
          const sys = new Sys(ctx);
          const badge = yield* sys.recv(3, 2);
          seen.push(badge, sys.label);
        },
        client: function* (ctx) {
          yield* new Sys(ctx).work(1);
          // Outside every region the manifest maps: the port refuses the write.
          ctx.write32(0x2000_f000 + 0xff0, 1);
          yield* new Sys(ctx).work(1);
        },
      },
    });
    app.run({ checkInvariants: true });
    expect(seen).toEqual([2, FaultLabel.VmFault]);
    expect(trace.ofKind('fault')[0]?.handled).toBe(true);
  });

  it('refuses a manifest whose program is missing, naming it', () => {
    expect(() => bootApp(GOOD, { programs: {} })).toThrow(AppBootError);
    expect(() => bootApp(GOOD, { programs: {} })).toThrow(/runs program "server"/);
  });

  it('refuses RAM that does not cover the board memory', () => {
    const memory = new PhysicalMemory(0x1000_0000, new Uint8Array(4096));
    expect(() => bootApp(GOOD, { programs: programs([]), memory })).toThrow(
      /does not cover board.memory/,
    );
  });

  it('runs to a time limit and reports progress', () => {
    const ticks: number[] = [];
    const app = bootApp(
      { ...GOOD, tasks: [{ name: 'spin', priority: 10, stack: 256 }] },
      {
        programs: {
          spin: function* (ctx) {
            const sys = new Sys(ctx);
            for (;;) yield* sys.work(10);
          },
        },
      },
    );
    app.run({ until: 5000, onProgress: (now) => ticks.push(now) });
    expect(app.kernel.now).toBeGreaterThanOrEqual(5000);
    expect(ticks.length).toBeGreaterThan(1);
    expect(ticks).toEqual([...ticks].sort((a, b) => a - b));
  });
});
