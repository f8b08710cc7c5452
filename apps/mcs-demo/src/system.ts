// The demo system and its simulator loop. A root task builds everything with @k5/userspace's
// spawn: an endpoint with a passive server behind it (its scheduling context is taken away once
// it waits, so it runs only on its callers' budgets), a periodic control task (budget 200 of
// every 1000 ticks), an interrupt-driven driver (IRQ 5 through IRQControl and a notification), a
// sensor task that panics after every start, its supervisor (restarts with exponential
// back-off) and a background task at the lowest priority. The host loop runs the tasks, raises
// the device interrupt at fixed times and collects log lines and the kernel trace.
import { type BootInfo, type HostTask, LogLevel, ObjectType, Rights } from '@k5/abi';
import {
  bootSystem,
  type HostSystem,
  type Kernel,
  type SchedContext,
  type Tcb,
  TraceRecorder,
} from '@k5/kernel';
import {
  cnodeCopy,
  cnodeMint,
  expectOk,
  irqControlGet,
  irqHandlerSetNotification,
  RootEnv,
  schedContextBind,
  schedContextUnbind,
  schedControlConfigureFlags,
  spawn,
  Sys,
  tcbResume,
  tcbSetSupervisor,
} from '@k5/userspace';
import { CONTROL_BADGE, DEVICE_IRQ, type DemoStats, demoPrograms, IRQ_BADGE, SLOT } from './tasks';

/** Priorities and budgets (ticks per 1000-tick period; undefined = passive). */
export const TASKS = {
  supervisor: { priority: 220, budget: 100 },
  driver: { priority: 200, budget: 100 },
  server: { priority: 160, budget: undefined },
  control: { priority: 150, budget: 200 },
  sensor: { priority: 120, budget: 100 },
  background: { priority: 10, budget: 1000 },
} as const;

/** The period of every scheduling context in the demo. */
export const PERIOD = 1000;
const CHILD_RADIX = 4;

/** One log line of a task. */
export interface DemoLine {
  readonly time: number;
  readonly task: string;
  readonly level: number;
  readonly text: string;
}

/** Options of {@link runMcsDemo}. */
export interface McsDemoOptions {
  /** Simulated ticks to run (default 12,000). */
  readonly horizon?: number;
  /** Times at which the device raises its interrupt (default 2,500 and 7,300). */
  readonly interrupts?: readonly number[];
  /** Run the invariant checker after every kernel entry (default true). */
  readonly checkInvariants?: boolean;
  /** Receives each log line as it is produced. */
  readonly onLine?: (line: DemoLine) => void;
}

/** What a run produced. */
export interface McsDemoResult {
  readonly system: HostSystem;
  readonly lines: readonly DemoLine[];
  readonly trace: TraceRecorder;
  readonly stats: DemoStats;
}

function rootTask(boot: BootInfo, entries: Record<string, number>): HostTask {
  return (ctx) =>
    (function* () {
      const s = new Sys(ctx);
      const env = new RootEnv(s, boot);
      const root = boot.caps.rootCNode;
      const depth = boot.rootCNodeDepth;
      const configure = function* (sc: number, budget: number) {
        const code = yield* schedControlConfigureFlags(s, boot.caps.schedControl, sc, {
          budget,
          period: PERIOD,
        });
        expectOk(`configuring a ${budget}/${PERIOD} scheduling context`, code);
      };
      const ep = yield* env.retype(ObjectType.Endpoint, 0);
      const reply = yield* env.retype(ObjectType.Reply, 0);
      const ready = yield* env.retype(ObjectType.Notification, 0);
      const irqNotification = yield* env.retype(ObjectType.Notification, 0);
      const events = yield* env.retype(ObjectType.Notification, 0);

      // The server first: it must be waiting on its endpoint before it becomes passive.
      const server = yield* spawn(env, {
        name: 'server',
        entry: entries.server!,
        priority: TASKS.server.priority,
        caps: [
          { slot: SLOT.server, from: ep, rights: Rights.Read },
          { slot: SLOT.reply, from: reply, rights: Rights.All },
          { slot: SLOT.ready, from: ready, rights: Rights.Write },
        ],
        start: true,
      });
      yield* s.wait(ready);
      expectOk('making the server passive', yield* schedContextUnbind(s, server.schedContext));

      const control = yield* spawn(env, {
        name: 'control',
        entry: entries.control!,
        priority: TASKS.control.priority,
        caps: [
          {
            slot: SLOT.server,
            from: ep,
            rights: Rights.Write | Rights.GrantReply,
            badge: CONTROL_BADGE,
          },
        ],
      });
      expectOk(
        'giving control its scheduling context',
        yield* cnodeCopy(
          s,
          control.cnode,
          SLOT.schedContext,
          CHILD_RADIX,
          root,
          control.schedContext,
          depth,
          Rights.All,
        ),
      );
      yield* configure(control.schedContext, TASKS.control.budget);

      // The device's interrupt: a handler cap for the line, signalling a badged notification.
      const handler = env.allocSlots(1);
      expectOk(
        'issuing the IRQ handler',
        yield* irqControlGet(s, boot.caps.irqControl, DEVICE_IRQ, root, handler, depth),
      );
      const badged = env.allocSlots(1);
      expectOk(
        'minting the IRQ notification',
        yield* cnodeMint(
          s,
          root,
          badged,
          depth,
          root,
          irqNotification,
          depth,
          Rights.Write,
          IRQ_BADGE,
        ),
      );
      expectOk('binding the IRQ', yield* irqHandlerSetNotification(s, handler, badged));
      const driver = yield* spawn(env, {
        name: 'driver',
        entry: entries.driver!,
        priority: TASKS.driver.priority,
        caps: [
          { slot: SLOT.irqHandler, from: handler, rights: Rights.All },
          { slot: SLOT.irqNotification, from: irqNotification, rights: Rights.Read },
          { slot: SLOT.ready, from: ready, rights: Rights.Write },
        ],
      });
      yield* configure(driver.schedContext, TASKS.driver.budget);
      // Passive driver: once it waits, its context moves to the IRQ notification, which lends it
      // to the driver for each interrupt.
      expectOk('starting the driver', yield* tcbResume(s, driver.tcb));
      yield* s.wait(ready);
      expectOk('unbinding the driver', yield* schedContextUnbind(s, driver.schedContext));
      expectOk(
        'binding the driver context to the IRQ',
        yield* schedContextBind(s, driver.schedContext, irqNotification),
      );

      // The sensor reports its faults to the supervisor's notification (badge bit 0).
      const sensor = yield* spawn(env, {
        name: 'sensor',
        entry: entries.sensor!,
        priority: TASKS.sensor.priority,
      });
      yield* configure(sensor.schedContext, TASKS.sensor.budget);
      const sensorEvents = env.allocSlots(1);
      expectOk(
        'minting the supervisor notification',
        yield* cnodeMint(s, root, sensorEvents, depth, root, events, depth, Rights.Write, 1),
      );
      expectOk('supervising the sensor', yield* tcbSetSupervisor(s, sensor.tcb, sensorEvents));
      const supervisor = yield* spawn(env, {
        name: 'supervisor',
        entry: entries.supervisor!,
        priority: TASKS.supervisor.priority,
        caps: [
          { slot: SLOT.events, from: events, rights: Rights.Read },
          { slot: SLOT.sensorTcb, from: sensor.tcb, rights: Rights.All },
        ],
      });
      yield* configure(supervisor.schedContext, TASKS.supervisor.budget);
      const background = yield* spawn(env, {
        name: 'background',
        entry: entries.background!,
        priority: TASKS.background.priority,
      });
      yield* configure(background.schedContext, TASKS.background.budget);

      for (const t of [supervisor, control, sensor, background])
        expectOk('starting a task', yield* tcbResume(s, t.tcb));
    })();
}

/** The program name of a thread (host tasks' PC names their program). */
export function taskName(system: HostSystem, id: number): string {
  const t = system.kernel.object(id) as Tcb | undefined;
  if (!t) return `thread ${id}`;
  if (t === system.rootThread) return 'root';
  const pc = system.kernel.port.readRegister(t.context, system.kernel.port.convention.pcRegister);
  for (const [name, entry] of Object.entries(system.boot.programs)) if (entry === pc) return name;
  return `thread ${id}`;
}

/** Boots the demo and runs it for `horizon` simulated ticks. */
export function runMcsDemo(options: McsDemoOptions = {}): McsDemoResult {
  const horizon = options.horizon ?? 12_000;
  const irqs = [...(options.interrupts ?? [2_500, 7_300])].sort((a, b) => a - b);
  const check = options.checkInvariants ?? true;
  const stats: DemoStats = {
    controlPeriods: 0,
    requestsServed: 0,
    interruptsHandled: 0,
    restarts: 0,
    sensorStarts: 0,
    backgroundWork: 0,
  };
  const trace = new TraceRecorder();
  const lines: DemoLine[] = [];
  const decoder = new TextDecoder();
  let system: HostSystem | null = null;
  system = bootSystem({
    root: (boot) => rootTask(boot, boot.programs),
    programs: demoPrograms(stats),
    trace: trace.sink,
    memorySize: 512 * 1024,
    onLog: (thread, level, bytes) => {
      const line = {
        time: system!.kernel.now,
        task: taskName(system!, thread),
        level,
        text: decoder.decode(bytes),
      };
      lines.push(line);
      options.onLine?.(line);
    },
  });
  const kernel = system.kernel;
  let next = 0;
  while (kernel.now < horizon) {
    if (next < irqs.length && kernel.now >= irqs[next]!) {
      kernel.interrupt(DEVICE_IRQ);
      next++;
      if (check) kernel.assertInvariants();
      continue;
    }
    const r = system.executor.run({ maxSteps: 1, checkInvariants: check });
    if (r.reason === 'idle') {
      const wake = Math.min(kernel.deadline ?? horizon, irqs[next] ?? horizon, horizon);
      kernel.advance(Math.max(wake - kernel.now, 1));
    }
  }
  return { system, lines, trace, stats };
}

/** One scheduling context's configuration and state, for the summary. */
export interface ContextReport {
  readonly task: string;
  readonly budget: number;
  readonly period: number;
  readonly refills: readonly { readonly time: number; readonly amount: number }[];
}

/** The scheduling contexts bound to tasks at the end of the run. */
export function contextReports(kernel: Kernel, system: HostSystem): ContextReport[] {
  const out: ContextReport[] = [];
  for (const o of kernel.objects()) {
    if (o.type !== ObjectType.SchedContext) continue;
    const sc = o as SchedContext;
    if (sc.tcb === system.rootThread || (sc.tcb === null && sc.notification === null)) continue;
    out.push({
      // A context bound to a notification is lent to whoever it wakes (the passive driver).
      task: sc.tcb ? taskName(system, sc.tcb.id) : 'driver*',
      budget: sc.budget,
      period: sc.period,
      refills: (sc.refills?.toArray() ?? []).map((r) => ({
        time: Number(r.time),
        amount: Number(r.amount),
      })),
    });
  }
  return out.sort((a, b) => a.task.localeCompare(b.task));
}

/** CPU ticks each task ran, from the trace's switch events. */
export function cpuTime(result: McsDemoResult): Map<string, number> {
  const out = new Map<string, number>();
  let running = 0;
  let since = 0;
  const charge = (until: number) => {
    if (running === 0) return;
    const name = taskName(result.system, running);
    out.set(name, (out.get(name) ?? 0) + until - since);
  };
  for (const e of result.trace.events) {
    if (e.kind !== 'switch') continue;
    charge(e.time);
    running = e.to;
    since = e.time;
  }
  charge(result.system.kernel.now);
  return out;
}

export { LogLevel };
