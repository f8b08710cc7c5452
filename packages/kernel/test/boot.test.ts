// The boot path: what the root task receives, and the debug syscalls.
import { LogLevel, ObjectType } from '@k5/abi';
import { untypedRetype } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { BootSlot, bootSystem } from '../src/boot';
import { KernelUsageError } from '../src/errors';

describe('bootSystem', () => {
  it('hands the root task untyped caps covering the free memory, and runs it', () => {
    const logs: string[] = [];
    let retype = -1;
    const system = bootSystem({
      memorySize: 128 * 1024,
      onLog: (_t, level, bytes) => logs.push(`${level}:${new TextDecoder().decode(bytes)}`),
      root: (boot) =>
        function* (ctx) {
          const { Sys } = sys;
          const s = new Sys(ctx);
          yield* s.log(
            LogLevel.Info,
            new TextEncoder().encode(`hello from root with ${boot.untyped.length} untyped`),
          );
          retype = yield* untypedRetype(
            s,
            boot.untyped[0]!.cptr,
            ObjectType.Endpoint,
            0,
            boot.caps.rootCNode,
            0,
            0,
            boot.emptySlots[0],
            1,
          );
          yield* s.putChar(0x4b);
        },
    });
    const b = system.boot;
    const covered = b.untyped.reduce((n, u) => n + 2 ** u.sizeBits, 0);
    const end = Math.max(...b.untyped.map((u) => u.base + 2 ** u.sizeBits));
    expect(end).toBe(0x2000_0000 + 128 * 1024);
    expect(covered).toBeGreaterThan(100 * 1024);
    expect(b.caps.rootCNode).toBe(BootSlot.RootCNode);
    expect(b.emptySlots[0]).toBe(BootSlot.FirstUntyped + b.untyped.length);
    expect(system.run({ checkInvariants: true }).reason).toBe('idle');
    expect(retype).toBe(0);
    expect(logs).toEqual([`${LogLevel.Info}:hello from root with ${b.untyped.length} untyped`]);
    expect(system.kernel.state.console).toEqual([0x4b]);
  });

  it.each([
    [{ rootCNodeRadix: 2 }, 'bad-config'],
    [{ rootPriority: 300 }, 'bad-config'],
    [{ memorySize: 1024 }, 'bad-config'],
  ])('rejects %j with a typed error', (opts, code) => {
    expect(() => bootSystem({ root: () => function* () {}, ...opts })).toThrow(KernelUsageError);
    try {
      bootSystem({ root: () => function* () {}, ...opts });
    } catch (e) {
      expect((e as KernelUsageError).code).toBe(code);
    }
  });

  it('a task that never blocks hits the step limit with a typed error', () => {
    const system = bootSystem({
      root: () =>
        function* () {
          for (;;) yield 1;
        },
    });
    expect(() => system.run()).toThrow(/did not go idle/);
    expect(system.run({ maxSteps: 10 })).toEqual({ steps: 10, reason: 'step-limit' });
  });
});

import * as sys from '@k5/userspace';
