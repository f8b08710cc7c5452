// The client side of the console protocol: copy text into the shared buffer (through the
// client's own page tables) and Call the server, one buffer-full at a time. Relies on
// protocol.ts and @k5/userspace's Sys.

import { encodeMessageInfo, type HostTaskContext } from '@k5/abi';
import type { Sys, TaskStep } from '@k5/userspace';
import { Op, Slot, Status } from './protocol';

/** A client's view of its shared buffer, from the registers the root wrote (x9 base, x10 size). */
export interface SharedBuffer {
  readonly base: number;
  readonly size: number;
}

/** Reads the shared buffer's place from x9 and x10. */
export function sharedBufferOf(ctx: HostTaskContext): SharedBuffer {
  return { base: ctx.getRegister(9), size: ctx.getRegister(10) };
}

/**
 * Prints `text` (UTF-8) on the console. Returns the bytes the server sent to the UART; throws
 * when the server refuses a request (a bug in the client or the server).
 */
export function* consolePrint(
  sys: Sys,
  ctx: HostTaskContext,
  buffer: SharedBuffer,
  text: string,
): TaskStep {
  const bytes = new TextEncoder().encode(text);
  let sent = 0;
  for (let at = 0; at < bytes.length; at += buffer.size) {
    const chunk = bytes.subarray(at, at + buffer.size);
    for (const [i, b] of chunk.entries()) ctx.write8(buffer.base + i, b);
    sys.setMR(0, 0);
    sys.setMR(1, chunk.length);
    yield* sys.call(Slot.console, encodeMessageInfo(Op.Write, 2));
    if (sys.label !== Status.Ok) {
      throw new Error(`the console refused a write of ${chunk.length} bytes: status ${sys.label}`);
    }
    sent += sys.getMR(0);
  }
  return sent;
}
