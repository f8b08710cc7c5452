// Typed syscall stubs for host tasks: each writes the syscall number and slots into the task's
// registers through the ABI's convention, traps, and leaves the results readable in place
// (badge, message info, MRs). The IPC stubs return one reusable trap iterator per Sys instead of
// a new generator, so a round trip allocates nothing.
// Relies only on @k5/abi.

import {
  FAST_MESSAGE_REGISTERS,
  HOST_TRAP_SYSCALL,
  type HostTaskContext,
  IpcBufferWord,
  LOG_MAX_BYTES,
  MAX_LEASES,
  messageInfoCapsUnwrapped,
  messageInfoExtraCaps,
  messageInfoLabel,
  messageInfoLength,
  Syscall,
} from '@k5/abi';

/** What a stub generator yields to the executor (a trap or a cycle count). @public */
export type TaskStep = Generator<number, number, void>;

/** A memory range lent with a Call. @public */
export interface LeaseSpec {
  readonly address: number;
  readonly length: number;
  /** LeaseAttribute bits (Read 1, Write 2). */
  readonly attributes: number;
}

const SLOT0 = 1;
const SLOT1 = 2;
const SLOT5 = 4;
const SLOT6 = 8;
const MR3_TO_BUFFER = 16;

/**
 * The one trap iterator of a {@link Sys}: behaves like the generator `*() { write the arguments
 * and number; yield HOST_TRAP_SYSCALL; return the badge register }` but is reused by every IPC
 * stub of its Sys, so a syscall allocates no generator and no iterator results. The arguments
 * are written on the first `next()`, as the generator's body would be. Only one stub of a Sys
 * may be in flight at a time (a task delegates to one with `yield*` at once).
 */
class SyscallTrap implements Generator<number, number, void> {
  private readonly ctx: HostTaskContext;
  private readonly num: number;
  private readonly r0: number;
  private readonly r1: number;
  private readonly r5: number;
  private readonly r6: number;
  private armed = false;
  private sysno = 0;
  private mask = 0;
  private v0 = 0;
  private v1 = 0;
  private v5 = 0;
  private v6 = 0;
  private readonly trapResult: IteratorResult<number, number> = {
    done: false,
    value: HOST_TRAP_SYSCALL,
  };
  private readonly doneResult: { done: true; value: number } = { done: true, value: 0 };

  constructor(ctx: HostTaskContext) {
    const a = ctx.convention.argumentRegisters;
    this.ctx = ctx;
    this.num = ctx.convention.numberRegister;
    this.r0 = a[0]!;
    this.r1 = a[1]!;
    this.r5 = a[5]!;
    this.r6 = a[6]!;
  }

  /** Prepares the next syscall and returns this iterator (state reset as a fresh generator). */
  arm(sysno: number, mask: number, v0: number, v1: number, v5: number, v6: number): this {
    this.armed = false;
    this.sysno = sysno;
    this.mask = mask;
    this.v0 = v0;
    this.v1 = v1;
    this.v5 = v5;
    this.v6 = v6;
    return this;
  }

  next(): IteratorResult<number, number> {
    const ctx = this.ctx;
    if (!this.armed) {
      this.armed = true;
      const m = this.mask;
      if (m & MR3_TO_BUFFER) {
        // MR3 goes through the IPC buffer: its register carries the destination.
        const b = ctx.ipcBufferAddress();
        if (b !== 0) ctx.write32(b + (IpcBufferWord.Msg + 3) * 4, ctx.getRegister(this.r5));
      }
      if (m & SLOT0) ctx.setRegister(this.r0, this.v0);
      if (m & SLOT1) ctx.setRegister(this.r1, this.v1);
      if (m & SLOT5) ctx.setRegister(this.r5, this.v5);
      if (m & SLOT6) ctx.setRegister(this.r6, this.v6);
      ctx.setRegister(this.num, this.sysno);
      return this.trapResult;
    }
    this.armed = false;
    this.mask = 0;
    this.sysno = 0;
    const r = this.doneResult;
    r.value = ctx.getRegister(this.r0);
    return r;
  }

  return(value: number): IteratorResult<number, number> {
    this.armed = false;
    return { done: true, value };
  }

  throw(e: unknown): IteratorResult<number, number> {
    this.armed = false;
    throw e;
  }

  [Symbol.iterator](): this {
    return this;
  }
}

/**
 * The syscall interface of one host task. Results of the last receiving syscall stay readable
 * through {@link Sys.label}, {@link Sys.length}, {@link Sys.getMR} until the next syscall.
 * @public
 */
export class Sys {
  readonly ctx: HostTaskContext;
  private readonly num: number;
  private readonly a: readonly number[];
  private readonly a0: number;
  private readonly trap: SyscallTrap;

  constructor(ctx: HostTaskContext) {
    this.ctx = ctx;
    this.num = ctx.convention.numberRegister;
    this.a = ctx.convention.argumentRegisters;
    this.a0 = this.a[0]!;
    this.trap = new SyscallTrap(ctx);
  }

  private slot(i: number, v: number): void {
    this.ctx.setRegister(this.a[i]!, v);
  }

  /** Sets message register `i` for the next send (registers for 0-3, then the IPC buffer). */
  setMR(i: number, v: number): void {
    if (i < FAST_MESSAGE_REGISTERS) this.ctx.setRegister(this.a[2 + i]!, v >>> 0);
    else this.ctx.write32(this.ctx.ipcBufferAddress() + (IpcBufferWord.Msg + i) * 4, v >>> 0);
  }

  /** Message register `i` of the last received message (or invocation reply). */
  getMR(i: number): number {
    if (i < FAST_MESSAGE_REGISTERS) return this.ctx.getRegister(this.a[2 + i]!);
    return this.ctx.read32(this.ctx.ipcBufferAddress() + (IpcBufferWord.Msg + i) * 4);
  }

  /** The message-info word of the last received message. */
  get info(): number {
    return this.ctx.getRegister(this.a[1]!);
  }
  /** Its label (for invocation replies: the error code, 0 for success). */
  get label(): number {
    return messageInfoLabel(this.info);
  }
  /** Its length in MRs. */
  get length(): number {
    return messageInfoLength(this.info);
  }
  /** Its extra-cap count. */
  get extraCaps(): number {
    return messageInfoExtraCaps(this.info);
  }
  /** Its unwrapped-caps mask. */
  get capsUnwrapped(): number {
    return messageInfoCapsUnwrapped(this.info);
  }
  /** The badge of the last receive (or the notification word). */
  get badge(): number {
    return this.ctx.getRegister(this.a0);
  }

  /** Names capability `i` to send with the next message (IPC buffer CapsOrBadges). */
  setCap(i: number, cptr: number): void {
    this.ctx.write32(this.ctx.ipcBufferAddress() + (IpcBufferWord.CapsOrBadges + i) * 4, cptr);
  }

  /** The badge of unwrapped cap `i` of the last received message. */
  getCapBadge(i: number): number {
    return this.ctx.read32(this.ctx.ipcBufferAddress() + (IpcBufferWord.CapsOrBadges + i) * 4);
  }

  /** Where a received capability goes: CNode (0 = the CSpace root), index, depth. */
  setReceiveSlot(cnode: number, index: number, depth: number): void {
    const b = this.ctx.ipcBufferAddress();
    this.ctx.write32(b + IpcBufferWord.ReceiveCNode * 4, cnode);
    this.ctx.write32(b + IpcBufferWord.ReceiveIndex * 4, index);
    this.ctx.write32(b + IpcBufferWord.ReceiveDepth * 4, depth);
  }

  /** Describes the leases of the next Call (at most MAX_LEASES). */
  setLeases(leases: readonly LeaseSpec[]): void {
    const b = this.ctx.ipcBufferAddress();
    const n = Math.min(leases.length, MAX_LEASES);
    this.ctx.write32(b + IpcBufferWord.LeaseCount * 4, n);
    for (let i = 0; i < n; i++) {
      const w = b + (IpcBufferWord.Leases + 3 * i) * 4;
      this.ctx.write32(w, leases[i]!.address);
      this.ctx.write32(w + 4, leases[i]!.length);
      this.ctx.write32(w + 8, leases[i]!.attributes);
    }
  }

  /** Call: send `info` and the staged MRs to `cptr`, wait for the reply. Returns the badge. */
  call(cptr: number, info: number): TaskStep {
    return this.trap.arm(Syscall.Call, SLOT0 | SLOT1, cptr, info, 0, 0);
  }

  /** Send (blocking). */
  send(cptr: number, info: number): TaskStep {
    return this.trap.arm(Syscall.Send, SLOT0 | SLOT1, cptr, info, 0, 0);
  }

  /** NBSend: delivered only if a receiver waits. */
  nbSend(cptr: number, info: number): TaskStep {
    return this.trap.arm(Syscall.NBSend, SLOT0 | SLOT1, cptr, info, 0, 0);
  }

  /** Recv on an endpoint with a Reply object (0 = none), or on a notification. Returns the badge. */
  recv(src: number, reply: number): TaskStep {
    return this.trap.arm(Syscall.Recv, SLOT0 | SLOT6, src, 0, 0, reply);
  }

  /** NBRecv. */
  nbRecv(src: number, reply: number): TaskStep {
    return this.trap.arm(Syscall.NBRecv, SLOT0 | SLOT6, src, 0, 0, reply);
  }

  /** ReplyRecv: reply through `reply`, then wait on `src` with it. */
  replyRecv(src: number, info: number, reply: number): TaskStep {
    return this.trap.arm(Syscall.ReplyRecv, SLOT0 | SLOT1 | SLOT6, src, info, 0, reply);
  }

  /** NBSendRecv: NBSend to `dest` (MR3 goes through the IPC buffer), then Recv on `src`. */
  nbSendRecv(dest: number, info: number, src: number, reply: number): TaskStep {
    return this.trap.arm(
      Syscall.NBSendRecv,
      MR3_TO_BUFFER | SLOT0 | SLOT1 | SLOT5 | SLOT6,
      src,
      info,
      dest,
      reply,
    );
  }

  /** NBSendWait: NBSend to `dest`, then Wait on `src`. */
  nbSendWait(dest: number, info: number, src: number): TaskStep {
    return this.trap.arm(
      Syscall.NBSendWait,
      MR3_TO_BUFFER | SLOT0 | SLOT1 | SLOT5,
      src,
      info,
      dest,
      0,
    );
  }

  /** Wait (no Reply object). Returns the badge or notification word. */
  wait(src: number): TaskStep {
    return this.trap.arm(Syscall.Wait, SLOT0, src, 0, 0, 0);
  }

  /** NBWait. */
  nbWait(src: number): TaskStep {
    return this.trap.arm(Syscall.NBWait, SLOT0, src, 0, 0, 0);
  }

  /** Signal a notification (Send on a notification cap). */
  signal(ntfn: number): TaskStep {
    return this.trap.arm(Syscall.Send, SLOT0 | SLOT1, ntfn, 0, 0, 0);
  }

  /** Yield to other threads of the same priority. */
  yield(): TaskStep {
    return this.trap.arm(Syscall.Yield, 0, 0, 0, 0, 0);
  }

  private packBytes(bytes: Uint8Array): number {
    const n = Math.min(bytes.length, LOG_MAX_BYTES);
    for (let w = 0; w * 4 < n; w++) {
      let v = 0;
      for (let j = 0; j < 4 && w * 4 + j < n; j++) v |= bytes[w * 4 + j]! << (8 * j);
      this.setMR(w, v);
    }
    return n;
  }

  /** Log bytes (for example a defmt frame) at a level. */
  *log(level: number, bytes: Uint8Array): TaskStep {
    const n = this.packBytes(bytes);
    this.slot(0, level);
    this.slot(1, n);
    this.ctx.setRegister(this.num, Syscall.Log);
    yield HOST_TRAP_SYSCALL;
    return this.ctx.getRegister(this.a0);
  }

  /** Write one byte to the debug console. */
  putChar(c: number): TaskStep {
    return this.trap.arm(Syscall.DebugPutChar, SLOT0, c, 0, 0, 0);
  }

  /** Stop this thread with a panic message. */
  *panic(message: string): TaskStep {
    const n = this.packBytes(new TextEncoder().encode(message));
    this.slot(1, n);
    this.ctx.setRegister(this.num, Syscall.Panic);
    yield HOST_TRAP_SYSCALL;
    return this.ctx.getRegister(this.a0);
  }

  /** Spend `cycles` of simulated time. */
  *work(cycles: number): TaskStep {
    yield cycles;
    return 0;
  }
}
