// The console's clients. Each prints through the server with its shared buffer (x9 base, x10
// size). `rogue` then tries to reach the UART itself (x11 holds its address): it has no
// mapping there, so the MMU refuses the store and the kernel sends a VM fault to its fault
// endpoint, where the supervisor reports it on the console. Relies on console-client.ts.

import { FaultLabel, faultWordIndex, type HostTask } from '@k5/abi';
import { Sys } from '@k5/userspace';
import { consolePrint, sharedBufferOf } from './console-client';
import { Pl011 } from './pl011';
import { Badge, Slot } from './protocol';

/** Prints a greeting. */
export const hello: HostTask = function* (ctx) {
  const sys = new Sys(ctx);
  const buffer = sharedBufferOf(ctx);
  yield* consolePrint(sys, ctx, buffer, 'hello: hello from EL0, through the console server\n');
  yield* consolePrint(
    sys,
    ctx,
    buffer,
    'hello: my text travelled in a shared page, not in registers\n',
  );
};

/** Counts to three, one request per line. */
export const counter: HostTask = function* (ctx) {
  const sys = new Sys(ctx);
  const buffer = sharedBufferOf(ctx);
  for (let i = 1; i <= 3; i++) yield* consolePrint(sys, ctx, buffer, `counter: ${i}\n`);
};

/** Announces itself, then stores to UARTDR directly: a translation fault. */
export const rogue: HostTask = function* (ctx) {
  const sys = new Sys(ctx);
  const buffer = sharedBufferOf(ctx);
  const uart = ctx.getRegister(11);
  yield* consolePrint(sys, ctx, buffer, 'rogue: writing to the UART myself\n');
  ctx.write32(uart + Pl011.DR, 0x21);
  yield* consolePrint(sys, ctx, buffer, 'rogue: this line is never printed\n');
};

const NAMES: Record<number, string> = {
  [Badge.hello]: 'hello',
  [Badge.counter]: 'counter',
  [Badge.rogue]: 'rogue',
};

/** Receives fault messages on its fault endpoint and reports them; the faulter stays stopped. */
export const supervisor: HostTask = function* (ctx) {
  const sys = new Sys(ctx);
  const buffer = sharedBufferOf(ctx);
  const word = (name: string) => sys.getMR(faultWordIndex(FaultLabel.VmFault, name));
  for (;;) {
    const badge = yield* sys.recv(Slot.faults, Slot.reply);
    const who = NAMES[badge] ?? `badge ${badge}`;
    let report: string;
    if (sys.label === FaultLabel.VmFault) {
      const access = word('isInstructionFetch') !== 0 ? 'fetch' : accessName(word('status'));
      report = `supervisor: ${who} stopped by a VM fault: ${access} at ${hex(word('address'))}, pc ${hex(word('ip'))}\n`;
    } else report = `supervisor: ${who} stopped by fault label ${sys.label}\n`;
    // No reply: the faulting thread stays blocked (seL4 would resume it on a reply).
    yield* consolePrint(sys, ctx, buffer, report);
  }
};

function accessName(status: number): string {
  // The kernel's VmFault status word carries the access kind (Read 1, Write 2, Execute 4).
  return status === 2 ? 'write' : status === 4 ? 'execute' : 'read';
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
