// The two tasks, written with @k5/userspace as firmware would be: syscalls through the ARMv8-M
// convention, memory through MPU-checked accessors, logs as defmt frames (timestamped from the
// board timer) through the kernel's Log syscall.
import { encodeMessageInfo, type HostTask, LogLevel } from '@k5/abi';
import { type EncodeValue, FrameEncoder } from '@k5/defmt';
import { Sys } from '@k5/userspace';
import { LOG_TABLES, PingLog, PongLog } from './log-tables';
import { SLOT } from './manifest';

/** What tasks can ask the board for once the system runs. */
export interface TaskEnv {
  /** The board timer in microseconds (the kernel clock). */
  now(): number;
  /** Where a manifest region was placed. */
  region(name: string): { readonly base: number; readonly size: number };
}

type Log = (
  level: number,
  index: number,
  args: readonly EncodeValue[],
) => Generator<number, void, void>;

function logger(sys: Sys, encoder: FrameEncoder, env: TaskEnv): Log {
  return function* (level, index, args) {
    yield* sys.log(level, encoder.encode(index, args, [BigInt(env.now())]));
  };
}

/** The programs by name, for `rounds` round trips. */
export function pingPongPrograms(env: TaskEnv, rounds = 5): Record<string, HostTask> {
  const pong: HostTask = function* (ctx) {
    const sys = new Sys(ctx);
    const log = logger(sys, new FrameEncoder(LOG_TABLES.pong), env);
    const stats = env.region('stats').base;
    yield* log(LogLevel.Info, PongLog.ready, [SLOT.endpoint]);
    let badge = yield* sys.recv(SLOT.endpoint, SLOT.reply);
    for (let count = 1; ; count++) {
      const n = sys.getMR(0);
      const answer = (sys.getMR(1) ^ 0xffff) >>> 0;
      ctx.write32(stats, count);
      yield* sys.work(200);
      yield* log(LogLevel.Debug, PongLog.pong, [n, badge, answer]);
      sys.setMR(0, answer);
      badge = yield* sys.replyRecv(SLOT.endpoint, encodeMessageInfo(0, 1), SLOT.reply);
    }
  };
  const ping: HostTask = function* (ctx) {
    const sys = new Sys(ctx);
    const log = logger(sys, new FrameEncoder(LOG_TABLES.ping), env);
    for (let n = 1; n <= rounds; n++) {
      const payload = (0x1000 * n + n) >>> 0;
      yield* log(LogLevel.Info, PingLog.ping, [n, payload]);
      sys.setMR(0, n);
      sys.setMR(1, payload);
      yield* sys.call(SLOT.endpoint, encodeMessageInfo(0, 2));
      const reply = sys.getMR(0);
      const expected = (payload ^ 0xffff) >>> 0;
      if (reply === expected) yield* log(LogLevel.Info, PingLog.reply, [n, reply]);
      else yield* log(LogLevel.Error, PingLog.mismatch, [n, reply, expected]);
      yield* sys.work(500);
    }
    yield* log(LogLevel.Info, PingLog.done, [rounds, ctx.read32(env.region('stats').base)]);
  };
  return { pong, ping };
}
