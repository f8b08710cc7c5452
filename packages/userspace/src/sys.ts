// Typed syscall stubs for host tasks: each writes the syscall number and slots into the task's
// registers through the ABI's convention, traps, and leaves the results readable in place
// (badge, message info, MRs), so a round trip allocates nothing but the generator of the stub.
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

  constructor(ctx: HostTaskContext) {
    this.ctx = ctx;
    this.num = ctx.convention.numberRegister;
    this.a = ctx.convention.argumentRegisters;
    this.a0 = this.a[0]!;
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
    return this.ctx.getRegister(this.a[0]!);
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
  *call(cptr: number, info: number): TaskStep {
    this.slot(0, cptr);
    this.slot(1, info);
    this.ctx.setRegister(this.num, Syscall.Call);
    yield HOST_TRAP_SYSCALL;
    return this.ctx.getRegister(this.a0);
  }

  /** Send (blocking). */
  *send(cptr: number, info: number): TaskStep {
    this.slot(0, cptr);
    this.slot(1, info);
    this.ctx.setRegister(this.num, Syscall.Send);
    yield HOST_TRAP_SYSCALL;
    return this.ctx.getRegister(this.a0);
  }

  /** NBSend: delivered only if a receiver waits. */
  *nbSend(cptr: number, info: number): TaskStep {
    this.slot(0, cptr);
    this.slot(1, info);
    this.ctx.setRegister(this.num, Syscall.NBSend);
    yield HOST_TRAP_SYSCALL;
    return this.ctx.getRegister(this.a0);
  }

  /** Recv on an endpoint with a Reply object (0 = none), or on a notification. Returns the badge. */
  *recv(src: number, reply: number): TaskStep {
    this.slot(0, src);
    this.slot(6, reply);
    this.ctx.setRegister(this.num, Syscall.Recv);
    yield HOST_TRAP_SYSCALL;
    return this.ctx.getRegister(this.a0);
  }

  /** NBRecv. */
  *nbRecv(src: number, reply: number): TaskStep {
    this.slot(0, src);
    this.slot(6, reply);
    this.ctx.setRegister(this.num, Syscall.NBRecv);
    yield HOST_TRAP_SYSCALL;
    return this.ctx.getRegister(this.a0);
  }

  /** ReplyRecv: reply through `reply`, then wait on `src` with it. */
  *replyRecv(src: number, info: number, reply: number): TaskStep {
    this.slot(0, src);
    this.slot(1, info);
    this.slot(6, reply);
    this.ctx.setRegister(this.num, Syscall.ReplyRecv);
    yield HOST_TRAP_SYSCALL;
    return this.ctx.getRegister(this.a0);
  }

  /** NBSendRecv: NBSend to `dest` (MR3 goes through the IPC buffer), then Recv on `src`. */
  *nbSendRecv(dest: number, info: number, src: number, reply: number): TaskStep {
    this.moveMr3ToBuffer();
    this.slot(0, src);
    this.slot(1, info);
    this.slot(5, dest);
    this.slot(6, reply);
    this.ctx.setRegister(this.num, Syscall.NBSendRecv);
    yield HOST_TRAP_SYSCALL;
    return this.ctx.getRegister(this.a0);
  }

  /** NBSendWait: NBSend to `dest`, then Wait on `src`. */
  *nbSendWait(dest: number, info: number, src: number): TaskStep {
    this.moveMr3ToBuffer();
    this.slot(0, src);
    this.slot(1, info);
    this.slot(5, dest);
    this.ctx.setRegister(this.num, Syscall.NBSendWait);
    yield HOST_TRAP_SYSCALL;
    return this.ctx.getRegister(this.a0);
  }

  private moveMr3ToBuffer(): void {
    const b = this.ctx.ipcBufferAddress();
    if (b !== 0)
      this.ctx.write32(b + (IpcBufferWord.Msg + 3) * 4, this.ctx.getRegister(this.a[5]!));
  }

  /** Wait (no Reply object). Returns the badge or notification word. */
  *wait(src: number): TaskStep {
    this.slot(0, src);
    this.ctx.setRegister(this.num, Syscall.Wait);
    yield HOST_TRAP_SYSCALL;
    return this.ctx.getRegister(this.a0);
  }

  /** NBWait. */
  *nbWait(src: number): TaskStep {
    this.slot(0, src);
    this.ctx.setRegister(this.num, Syscall.NBWait);
    yield HOST_TRAP_SYSCALL;
    return this.ctx.getRegister(this.a0);
  }

  /** Signal a notification (Send on a notification cap). */
  *signal(ntfn: number): TaskStep {
    this.slot(0, ntfn);
    this.slot(1, 0);
    this.ctx.setRegister(this.num, Syscall.Send);
    yield HOST_TRAP_SYSCALL;
    return this.ctx.getRegister(this.a0);
  }

  /** Yield to other threads of the same priority. */
  *yield(): TaskStep {
    this.ctx.setRegister(this.num, Syscall.Yield);
    yield HOST_TRAP_SYSCALL;
    return this.ctx.getRegister(this.a0);
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
  *putChar(c: number): TaskStep {
    this.slot(0, c);
    this.ctx.setRegister(this.num, Syscall.DebugPutChar);
    yield HOST_TRAP_SYSCALL;
    return this.ctx.getRegister(this.a0);
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
