// The ping-pong client/server exchange of apps/ping-pong, booted on the ARMv8-M port: the same
// host tasks run unchanged, their syscalls travel in r11 and r4-r10, and every IPC-buffer access
// they make is checked by the PMSAv8 model.

import { encodeMessageInfo, type HostTask, SYSCALL_CONVENTIONS } from '@k5/abi';
import { Sys } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { runScenario, SLOT } from './harness';

const PING_BADGE = 0x91;

function programs(rounds: number, log: string[]): Record<string, HostTask> {
  const pong: HostTask = function* (ctx) {
    const sys = new Sys(ctx);
    let badge = yield* sys.recv(SLOT.endpoint, SLOT.reply);
    for (;;) {
      const n = sys.getMR(0);
      // MR 5 travels in the IPC buffer: the read goes through the MPU.
      const extra = sys.getMR(5);
      log.push(`pong ${n} badge=${badge.toString(16)} extra=${extra}`);
      sys.setMR(0, (sys.getMR(1) ^ 0xffff) >>> 0);
      yield* sys.work(200);
      badge = yield* sys.replyRecv(SLOT.endpoint, encodeMessageInfo(0, 1), SLOT.reply);
    }
  };
  const ping: HostTask = function* (ctx) {
    const sys = new Sys(ctx);
    for (let n = 1; n <= rounds; n++) {
      const payload = (0x1000 * n + n) >>> 0;
      sys.setMR(0, n);
      sys.setMR(1, payload);
      sys.setMR(5, n * 7);
      yield* sys.call(SLOT.endpoint, encodeMessageInfo(0, 6));
      log.push(`ping ${n} reply=${sys.getMR(0).toString(16)}`);
      yield* sys.work(500);
    }
  };
  return { pong, ping };
}

describe('ping-pong on ArmV8mPort', () => {
  it('the client/server exchange completes with the expected replies and badge', () => {
    const log: string[] = [];
    const s = runScenario(programs(3, log), [
      { program: 'pong', priority: 150 },
      { program: 'ping', priority: 100, badge: PING_BADGE },
    ]);
    // Replies are payload ^ 0xffff: 0x1001 -> 0xeffe, 0x2002 -> 0xdffd, 0x3003 -> 0xcffc.
    expect(log).toEqual([
      'pong 1 badge=91 extra=7',
      'ping 1 reply=effe',
      'pong 2 badge=91 extra=14',
      'ping 2 reply=dffd',
      'pong 3 badge=91 extra=21',
      'ping 3 reply=cffc',
    ]);
    expect(s.report.started).toBe(true);
    // 3 rounds of 200 + 500 cycles of work.
    expect(s.system.kernel.now).toBe(2100);
  });

  it('uses the armv8m convention of @k5/abi, and every thread got an MPU configuration', () => {
    const s = runScenario(programs(1, []), [
      { program: 'pong', priority: 150 },
      { program: 'ping', priority: 100, badge: PING_BADGE },
    ]);
    expect(s.port.convention).toBe(SYSCALL_CONVENTIONS.armv8m);
    expect(s.port.convention.numberRegister).toBe(11);
    expect(s.port.convention.argumentRegisters).toEqual([4, 5, 6, 7, 8, 9, 10]);
    for (const t of [s.system.rootThread, ...s.tcbs()]) {
      expect(s.port.mapError(t.context)).toBeNull();
      expect(s.port.solution(t.context)?.ranges.length).toBe(1);
    }
    // The kernel ends every entry with switchTo: the MPU holds the regions of the thread it
    // chose (none once idle), and is reloaded only when that thread changes.
    expect(s.port.switches).toBeGreaterThan(0);
    expect(s.port.mpuLoads).toBeGreaterThanOrEqual(3);
    expect(s.port.mpuLoads).toBeLessThanOrEqual(s.port.switches);
    expect(s.port.loadedContext).toBe(s.system.kernel.current?.context ?? null);
  });
});
