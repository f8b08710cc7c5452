// The console server: the only task with the UART in its address space (Device-nGnRE, mapped
// by the root from the UART region). It brings the PL011 up, then serves Write requests: the
// caller's badge selects the shared buffer the root registered for it, the server reads the
// text through its own mapping of that buffer and sends it to UARTDR byte by byte, waiting
// while UARTFR.TXFF is set. Relies on protocol.ts, pl011.ts and @k5/userspace's Sys.

import { encodeMessageInfo, type HostTask, type HostTaskContext } from '@k5/abi';
import { Sys } from '@k5/userspace';
import { CR, FR, LCR_H, Pl011 } from './pl011';
import { Badge, Op, Slot, Status } from './protocol';

/** 115200 baud from a 24 MHz UARTCLK: divisor 13.0208 → IBRD 13, FBRD round(0.0208 * 64) = 1. */
const IBRD_115200 = 13;
const FBRD_115200 = 1;

function uartInit(ctx: HostTaskContext, uart: number): void {
  ctx.write32(uart + Pl011.CR, 0); // disable while reprogramming
  ctx.write32(uart + Pl011.IBRD, IBRD_115200);
  ctx.write32(uart + Pl011.FBRD, FBRD_115200);
  ctx.write32(uart + Pl011.LCR_H, LCR_H.FEN | LCR_H.WLEN_8);
  ctx.write32(uart + Pl011.IMSC, 0); // polled: no UART interrupts
  ctx.write32(uart + Pl011.CR, CR.UARTEN | CR.TXE);
}

function uartPut(ctx: HostTaskContext, uart: number, byte: number): void {
  while ((ctx.read32(uart + Pl011.FR) & FR.TXFF) !== 0) {
    // The transmit FIFO is full: wait for the line.
  }
  ctx.write32(uart + Pl011.DR, byte);
}

/** The console server program; x9 holds the UART's address. */
export const consoleServer: HostTask = function* (ctx) {
  const sys = new Sys(ctx);
  const uart = ctx.getRegister(9);
  uartInit(ctx, uart);
  const buffers = new Map<number, { base: number; size: number }>();
  let badge = yield* sys.recv(Slot.console, Slot.reply);
  for (;;) {
    let status: number = Status.Ok;
    let sent = 0;
    if (sys.label === Op.Register) {
      // Only the root holds the unbadged cap (badge 0), and badges name clients.
      if (badge !== 0) status = Status.NotAllowed;
      else if (sys.length < 3 || sys.getMR(0) === 0) status = Status.BadRequest;
      else buffers.set(sys.getMR(0), { base: sys.getMR(1), size: sys.getMR(2) });
    } else if (sys.label === Op.Write && sys.length >= 2) {
      const buffer = buffers.get(badge);
      const offset = sys.getMR(0);
      const length = sys.getMR(1);
      if (buffer === undefined) status = Status.UnknownClient;
      else if (offset + length > buffer.size) status = Status.BadRange;
      else {
        for (let i = 0; i < length; i++) uartPut(ctx, uart, ctx.read8(buffer.base + offset + i));
        sent = length;
      }
    } else status = Status.BadRequest;
    sys.setMR(0, sent);
    badge = yield* sys.replyRecv(Slot.console, encodeMessageInfo(status, 1), Slot.reply);
  }
};

/** Badges of the clients the root registers, in the order it registers them. */
export const CLIENT_BADGES = [Badge.supervisor, Badge.hello, Badge.counter, Badge.rogue] as const;
