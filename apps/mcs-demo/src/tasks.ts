// The demo's tasks as host programs. Each writes one short log line per event through the
// kernel's Log syscall (plain UTF-8 here; ping-pong shows defmt). Capability slots in each
// task's CNode are fixed by SLOT. Relies on @k5/userspace only: tasks never import the kernel.
import { encodeMessageInfo, type HostTask, LogLevel } from '@k5/abi';
import {
  irqHandlerAck,
  panicText,
  RestartBackoff,
  restartWithBackoff,
  schedContextConsumed,
  Sys,
} from '@k5/userspace';

/** Slots of the tasks' CNodes. */
export const SLOT = {
  /** control: the server's endpoint (Write, GrantReply); server: the endpoint (Read). */
  server: 1,
  /** server: its Reply object. */
  reply: 2,
  /** server, driver: the notification they signal once they wait (to be made passive). */
  ready: 3,
  /** control: its own scheduling context (to read consumed time). */
  schedContext: 4,
  /** driver: the IRQ handler cap. */
  irqHandler: 5,
  /** driver: the notification its IRQ signals. */
  irqNotification: 6,
  /** supervisor: the notification faults signal. */
  events: 7,
  /** supervisor: the sensor task's TCB. */
  sensorTcb: 8,
} as const;

/** The interrupt line of the demo's device. */
export const DEVICE_IRQ = 5;
/** The badge the device's notification cap carries. */
export const IRQ_BADGE = 0x20;
/** The badge of the control task's endpoint cap. */
export const CONTROL_BADGE = 0xc1;

/** Counters the host reads after the run (tasks are host closures). */
export interface DemoStats {
  controlPeriods: number;
  requestsServed: number;
  interruptsHandled: number;
  restarts: number;
  sensorStarts: number;
  backgroundWork: number;
}

const text = new TextEncoder();

function* say(s: Sys, message: string, level: number = LogLevel.Info) {
  yield* s.log(level, text.encode(message));
}

/** Restart policy of the supervisor, in ticks. */
export const BACKOFF = { initialDelay: 500, maxDelay: 4000, resetAfter: 20_000 } as const;

/** The demo's programs, by name. */
export function demoPrograms(stats: DemoStats): Record<string, HostTask> {
  return {
    // Periodic control loop: sample, ask the passive server, actuate, sleep until the next refill.
    control: (ctx) =>
      (function* () {
        const s = new Sys(ctx);
        for (let period = 0; ; period++) {
          yield* s.work(60);
          s.setMR(0, period);
          yield* s.call(SLOT.server, encodeMessageInfo(1, 1));
          const answer = s.getMR(0);
          yield* schedContextConsumed(s, SLOT.schedContext);
          const used = s.getMR(0);
          stats.controlPeriods++;
          yield* say(s, `period ${period}: actuate ${answer}, used ${used} ticks of its budget`);
          yield* s.yield(); // done for this period: give up the rest of the budget
        }
      })(),
    // Passive server: runs only on its callers' donated scheduling contexts.
    server: (ctx) =>
      (function* () {
        const s = new Sys(ctx);
        yield* s.nbSendRecv(SLOT.ready, encodeMessageInfo(0, 0), SLOT.server, SLOT.reply);
        for (;;) {
          const badge = s.badge;
          const request = s.getMR(0);
          yield* s.work(50);
          stats.requestsServed++;
          yield* say(
            s,
            `request ${request} from badge 0x${badge.toString(16)} on a donated budget`,
          );
          s.setMR(0, request * 10 + 7);
          yield* s.replyRecv(SLOT.server, encodeMessageInfo(0, 1), SLOT.reply);
        }
      })(),
    // Interrupt-driven passive driver: it runs on the scheduling context bound to its IRQ
    // notification, lent while it handles the line and returned when it waits again.
    driver: (ctx) =>
      (function* () {
        const s = new Sys(ctx);
        // Tell the root it waits (in the same syscall), so it can take its context away.
        let word = yield* s.nbSendWait(SLOT.ready, encodeMessageInfo(0, 0), SLOT.irqNotification);
        for (;;) {
          yield* s.work(30);
          stats.interruptsHandled++;
          yield* say(s, `IRQ ${DEVICE_IRQ} (signal 0x${word.toString(16)}): device serviced, ack`);
          yield* irqHandlerAck(s, SLOT.irqHandler);
          word = yield* s.wait(SLOT.irqNotification);
        }
      })(),
    // A task with a bug: it crashes shortly after every start.
    sensor: (ctx) =>
      (function* () {
        const s = new Sys(ctx);
        stats.sensorStarts++;
        yield* say(s, `sensor start #${stats.sensorStarts}`);
        yield* s.work(40);
        yield* s.panic('sensor timeout');
      })(),
    // Supervisor: restarts the sensor with exponential back-off.
    supervisor: (ctx) =>
      (function* () {
        const s = new Sys(ctx);
        const backoff = new RestartBackoff(BACKOFF);
        for (;;) {
          yield* s.wait(SLOT.events);
          const r = yield* restartWithBackoff(s, SLOT.sensorTcb, 0, backoff);
          if (r === null) {
            yield* say(s, 'could not restart the sensor', LogLevel.Error);
            continue;
          }
          stats.restarts++;
          yield* say(
            s,
            `sensor panicked ("${panicText(r.report)}") in generation ${r.report.generation}: restart in ${r.delay} ticks`,
            LogLevel.Warn,
          );
        }
      })(),
    // Lowest priority: soaks up whatever time is left, in small steps (the host raises the
    // device interrupt between task steps, so small steps keep its latency low).
    background: (ctx) =>
      (function* () {
        const s = new Sys(ctx);
        for (;;) {
          yield* s.work(10);
          stats.backgroundWork += 10;
        }
      })(),
  };
}
