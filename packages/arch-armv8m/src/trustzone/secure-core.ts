// A TrustZone-M processing element: one set of general registers shared by both security states,
// and per state the banked MSP, PSP, CONTROL, PRIMASK, BASEPRI and FAULTMASK. It models the
// transitions between the states exactly where they protect Secure state: entry from Non-secure
// code only at an SG instruction in Non-secure callable memory (else SecureFault INVEP), BXNS
// back, exception entry that stacks the additional state context and clears r0-r12 and the flags
// when a Non-secure exception preempts Secure code, and exception return that checks EXC_RETURN
// (INVER) and the integrity signature (INVIS) before restoring it. Floating-point state is not
// modelled across the boundary (an active FP context in Secure state is refused). Relies on
// `registers.ts`, `exception-frame.ts`, `sau.ts` and this folder's SFSR and frame helpers.

import {
  decodeExcReturn,
  EXC_RETURN_DCRS,
  EXC_RETURN_ES,
  EXC_RETURN_S,
  exceptionEntry,
  exceptionReturn,
} from '../exception-frame';
import {
  CONTROL_FPCA,
  CONTROL_NPRIV,
  CONTROL_SPSEL,
  RegisterFile,
  SparseWordMemory,
  type WordMemory,
  XPSR_IPSR_MASK,
  XPSR_STACK_ALIGN,
} from '../registers';
import { nonSecureBranch, type Sau, SecurityAttribute } from '../sau';
import {
  ADDITIONAL_STATE_OFFSET,
  integritySignature,
  pushAdditionalState,
  readAdditionalState,
} from './additional-state';
import { TrustZoneError } from './errors';
import { readHalfword } from './layout';
import { checkNonSecureAccess, type NonSecureAccessResult } from './nonsecure-access';
import { SCB_SFAR, SCB_SFSR, type SecureFault, secureFault } from './sfsr';
import type { MpuFault } from '../mpu/checker';
import type { MemoryAccess } from '../mpu/memory-map';
import type { Pmsav8Mpu } from '../mpu/pmsav8';

/** The two security states. */
export type SecurityState = 'secure' | 'non-secure';

/** The registers each security state has its own copy of. */
export interface BankedRegisters {
  msp: number;
  psp: number;
  control: number;
  primask: number;
  basepri: number;
  faultmask: number;
}

/** The outcome of a transition: done, or a SecureFault the PE latched instead. */
export type TransitionResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly fault: SecureFault };

/** APSR bits cleared with the registers: N, Z, C, V, Q and GE[3:0]. */
const APSR_MASK = 0xf80f0000;

/** Options of {@link TrustZoneCore}. */
export interface TrustZoneCoreOptions {
  /** The SAU (with its IDAU) that attributes every address. */
  readonly sau: Sau;
  /** Memory for stacks and instructions (default: a fresh sparse memory). */
  readonly memory?: WordMemory;
  /**
   * The banked MPUs (MPU_S and MPU_NS). When given, an access that passes attribution is then
   * checked by the MPU of the current state with the current privilege. Without one, that state
   * is not restricted beyond attribution.
   */
  readonly mpu?: { readonly secure?: Pmsav8Mpu; readonly nonSecure?: Pmsav8Mpu };
}

/** The answer of {@link TrustZoneCore.checkAccess}: attribution first, then the state's MPU. */
export type CoreAccessResult = NonSecureAccessResult | MpuFault;

const OK: TransitionResult = Object.freeze({ ok: true });
const ALLOWED: NonSecureAccessResult = Object.freeze({ allowed: true });

function emptyBank(): BankedRegisters {
  return { msp: 0, psp: 0, control: 0, primask: 0, basepri: 0, faultmask: 0 };
}

/** A thread's registers as the Secure kernel keeps them: r0-r12, SP, LR, PC, xPSR. */
export interface ThreadRegisters {
  /** r0..r12. */
  readonly r: readonly number[];
  readonly sp: number;
  readonly lr: number;
  readonly pc: number;
  readonly xpsr: number;
}

/**
 * The PE with the Security Extension. `regs` is the live register file; its MSP, PSP, CONTROL
 * and mask fields are those of the current security state, the other state's are kept aside and
 * swapped in on every transition. Resets into Secure state, privileged, in Thread mode on MSP.
 */
export class TrustZoneCore {
  /** The live registers. */
  readonly regs = new RegisterFile();
  /** The SAU the PE attributes addresses with. */
  readonly sau: Sau;
  /** Stacks and instructions. */
  readonly memory: WordMemory;
  /** SFSR: sticky, cleared by writing ones (see {@link TrustZoneCore.clearSecureFault}). */
  sfsr = 0;
  /** SFAR: the address of the last attribution violation. */
  sfar = 0;
  private readonly mpus: { readonly secure?: Pmsav8Mpu; readonly nonSecure?: Pmsav8Mpu };
  private current: SecurityState = 'secure';
  private readonly other: BankedRegisters = emptyBank();

  /** @param options - the SAU and the memory. */
  constructor(options: TrustZoneCoreOptions) {
    this.sau = options.sau;
    this.memory = options.memory ?? new SparseWordMemory();
    this.mpus = options.mpu ?? {};
  }

  /** The current security state. */
  get security(): SecurityState {
    return this.current;
  }

  /** A copy of the banked registers of `state` (live ones for the current state). */
  banked(state: SecurityState): BankedRegisters {
    if (state !== this.current) return { ...this.other };
    const r = this.regs;
    return {
      msp: r.msp,
      psp: r.psp,
      control: r.control,
      primask: r.primask,
      basepri: r.basepri,
      faultmask: r.faultmask,
    };
  }

  /** Writes banked registers of `state`, as the Secure kernel can through the _NS aliases. */
  setBanked(state: SecurityState, values: Partial<BankedRegisters>): void {
    if (state !== this.current) {
      Object.assign(this.other, values);
      return;
    }
    const r = this.regs;
    if (values.msp !== undefined) r.msp = values.msp >>> 0;
    if (values.psp !== undefined) r.psp = values.psp >>> 0;
    if (values.control !== undefined) r.control = values.control >>> 0;
    if (values.primask !== undefined) r.primask = values.primask >>> 0;
    if (values.basepri !== undefined) r.basepri = values.basepri >>> 0;
    if (values.faultmask !== undefined) r.faultmask = values.faultmask >>> 0;
  }

  /** Reads SFSR or SFAR by address (Secure state only, as on hardware). */
  readRegister(address: number): number {
    this.requireState('secure', 'reading SFSR/SFAR');
    if (address >>> 0 === SCB_SFSR) return this.sfsr;
    if (address >>> 0 === SCB_SFAR) return this.sfar;
    throw new TrustZoneError('bad-range', `0x${address.toString(16)} is not SFSR or SFAR`);
  }

  /** Clears SFSR bits (write-one-to-clear). */
  clearSecureFault(bits = 0xff): void {
    this.sfsr = (this.sfsr & ~bits) >>> 0;
  }

  /**
   * Whether the current state may make an access. Non-secure code goes through the attribution
   * check first ({@link checkNonSecureAccess}: a refusal is a SecureFault and latches SFSR and
   * SFAR); Secure code may reach either attribution. Then the MPU of the current state decides,
   * with the current privilege: an enclave (Secure, unprivileged) reaches only its own regions
   * of MPU_S, a task only its regions of MPU_NS. An MPU refusal is a MemManage fault of that state.
   */
  checkAccess(address: number, size: number, access: MemoryAccess): CoreAccessResult {
    if (this.current === 'non-secure') {
      const result = checkNonSecureAccess(this.sau, address, size, access);
      if (!result.allowed) {
        this.latch(result.fault);
        return result;
      }
    }
    const mpu = this.current === 'secure' ? this.mpus.secure : this.mpus.nonSecure;
    return mpu ? mpu.check(address, size, access, this.regs.privileged) : ALLOWED;
  }

  /**
   * A branch or call from Non-secure code to `target`: stays Non-secure for a Non-secure target;
   * enters Secure state at an SG instruction in Non-secure callable memory (SG clears LR bit 0 so
   * that the Secure side returns with BXNS, and execution continues after it); any other target
   * is SecureFault INVEP and nothing changes.
   */
  branchFromNonSecure(target: number): TransitionResult {
    this.requireState('non-secure', 'a Non-secure branch');
    const t = (target & ~1) >>> 0;
    const instruction =
      ((readHalfword(this.memory, t) << 16) | readHalfword(this.memory, t + 2)) >>> 0;
    const outcome = nonSecureBranch(this.sau, t, instruction);
    if (outcome.kind === 'secure-fault') return this.fault(secureFault('INVEP'));
    if (outcome.kind === 'secure-entry') {
      this.switchTo('secure');
      this.regs.lr = (this.regs.lr & ~1) >>> 0;
      this.regs.pc = t + 4;
    } else this.regs.pc = t;
    return OK;
  }

  /**
   * A branch from Secure code: BXNS/BLXNS with bit 0 of the target clear is the only way to
   * Non-secure state; an ordinary branch to Non-secure memory is SecureFault INVTRAN.
   */
  branchFromSecure(target: number, kind: 'bx' | 'bxns'): TransitionResult {
    this.requireState('secure', 'a Secure branch');
    const t = (target & ~1) >>> 0;
    const toNonSecure = kind === 'bxns' && (target & 1) === 0;
    if (toNonSecure) {
      this.switchTo('non-secure');
      this.regs.pc = t;
      return OK;
    }
    const { attribute, exempt } = this.sau.attribute(t, true);
    if (!exempt && attribute === SecurityAttribute.NonSecure) {
      return this.fault(secureFault('INVTRAN'));
    }
    this.regs.pc = t;
    return OK;
  }

  /**
   * Exception entry. Stacks the basic frame on the current stack; when the exception targets
   * Non-secure state and the interrupted code is Secure, also pushes the additional state context
   * (integrity signature, reserved word, r4-r11) below it on the Secure stack and clears r0-r12
   * and the APSR flags, so the Non-secure handler sees nothing of the Secure code (a Non-secure
   * exception over Non-secure code clears the stacked r0-r3, r12 and flags only). LR gets
   * EXC_RETURN with ES = target state, S = interrupted state, DCRS = 1. Then the PE is in Handler
   * mode of the target state on its MSP. PC is left for the caller (the vector).
   */
  takeException(exception: number, targetsSecure: boolean, returnAddress?: number): number {
    const r = this.regs;
    const fromSecure = this.current === 'secure';
    const crossing = fromSecure && !targetsSecure;
    if (crossing && (r.control & CONTROL_FPCA) !== 0) {
      throw new TrustZoneError(
        'unsupported',
        'an active FP context in Secure state preempted by a Non-secure exception is not modelled',
      );
    }
    const callee = Array.from({ length: 8 }, (_, i) => r.get(4 + i));
    const entry = exceptionEntry(r, this.memory, exception, returnAddress ?? r.pc);
    const processStack = decodeExcReturn(entry.excReturn).processStack;
    let lr = entry.excReturn & ~(EXC_RETURN_ES | EXC_RETURN_S);
    if (targetsSecure) lr |= EXC_RETURN_ES;
    if (fromSecure) lr |= EXC_RETURN_S;
    lr |= EXC_RETURN_DCRS;
    if (crossing) {
      const at = pushAdditionalState(this.memory, entry.frameAddress, callee, true);
      if (processStack) r.psp = at;
      else r.msp = at;
    }
    if (!targetsSecure) {
      // Stacked registers are zeroed for a Non-secure handler: r0-r3, r12 and the flags always,
      // the callee-saved r4-r11 when they belonged to Secure code.
      for (let i = 0; i <= 12; i++) if (crossing || i < 4 || i === 12) r.set(i, 0);
      r.xpsr = (r.xpsr & ~APSR_MASK) >>> 0;
    }
    if (fromSecure !== targetsSecure) this.switchTo(targetsSecure ? 'secure' : 'non-secure');
    // Handler mode runs on the target state's MSP.
    r.control = (r.control & ~(CONTROL_SPSEL | CONTROL_FPCA)) >>> 0;
    r.xpsr = ((r.xpsr & ~XPSR_IPSR_MASK) | exception) >>> 0;
    r.lr = lr >>> 0;
    return r.lr;
  }

  /**
   * Exception return with `excReturn` from Handler mode. A Non-secure handler may not claim a
   * Secure exception (ES = 1) nor skipped callee stacking (DCRS = 0): SecureFault INVER. A return
   * to Secure state from a Non-secure exception (ES = 0), or with DCRS = 0, first checks the
   * integrity signature on the Secure stack (mismatch: SecureFault INVIS) and restores r4-r11
   * from it. Then the basic frame is unstacked. On a fault nothing is restored or unstacked.
   */
  returnFromException(excReturn: number): TransitionResult {
    const r = this.regs;
    if (!r.handlerMode) {
      throw new TrustZoneError('wrong-state', 'exception return outside Handler mode');
    }
    const f = decodeExcReturn(excReturn);
    if (this.current === 'non-secure' && (f.secureException || !f.defaultCalleeStacking)) {
      return this.fault(secureFault('INVER'));
    }
    const target: SecurityState = f.secureStack ? 'secure' : 'non-secure';
    const bank = this.banked(target);
    const frame = f.processStack ? bank.psp : bank.msp;
    const popCallee = f.secureStack && (!f.secureException || !f.defaultCalleeStacking);
    let callee: readonly number[] | null = null;
    if (popCallee) {
      const state = readAdditionalState(this.memory, frame);
      if (state.signature !== integritySignature(f.basicFrame)) {
        return this.fault(secureFault('INVIS'));
      }
      callee = state.callee;
    }
    if (target !== this.current) this.switchTo(target);
    if (callee) {
      callee.forEach((v, i) => {
        r.set(4 + i, v);
      });
      const above = frame + ADDITIONAL_STATE_OFFSET.basicFrame;
      if (f.processStack) r.psp = above;
      else r.msp = above;
    }
    exceptionReturn(r, this.memory, excReturn);
    return OK;
  }

  /**
   * The Secure kernel resumes a thread in `state` from its Handler mode: stacks the thread's
   * r0-r3, r12, LR, PC and xPSR as a basic frame on that state's PSP, loads every one of r4-r11
   * from the context (so no kernel value survives into the thread), sets the state's
   * CONTROL.nPRIV and SPSEL, and returns with EXC_RETURN for Thread mode on that state's PSP.
   * Ordinary tasks run Non-secure unprivileged, enclaves Secure unprivileged.
   */
  resumeThread(state: SecurityState, thread: ThreadRegisters, privileged = false): number {
    this.requireState('secure', 'resuming a thread (the kernel runs Secure)');
    const r = this.regs;
    if (!r.handlerMode) throw new TrustZoneError('wrong-state', 'resume from Handler mode');
    if (thread.sp % 8 !== 0 || thread.sp < 32) {
      throw new TrustZoneError(
        'misaligned',
        `thread SP 0x${thread.sp.toString(16)} must be 8-byte aligned`,
      );
    }
    const frame = thread.sp - 32;
    // A thread's stacked xPSR has no exception number and no realignment bit.
    const xpsr = (thread.xpsr & ~(XPSR_IPSR_MASK | XPSR_STACK_ALIGN)) >>> 0;
    const words = [0, 1, 2, 3, 12].map((i) => thread.r[i] ?? 0);
    words.push(thread.lr, thread.pc & ~1, xpsr);
    words.forEach((v, i) => {
      this.memory.writeWord(frame + i * 4, (v ?? 0) >>> 0);
    });
    for (let i = 4; i <= 11; i++) r.set(i, thread.r[i] ?? 0);
    const control = (this.banked(state).control & ~CONTROL_NPRIV) | CONTROL_SPSEL;
    this.setBanked(state, { psp: frame, control: privileged ? control : control | CONTROL_NPRIV });
    const excReturn = 0xffffffbd | (state === 'secure' ? EXC_RETURN_S : 0); // Thread, PSP, basic frame, ES = 1
    const result = this.returnFromException(excReturn >>> 0);
    if (!result.ok) throw new TrustZoneError('wrong-state', `resume failed: ${result.fault.cause}`);
    return excReturn >>> 0;
  }

  /** Latches a SecureFault (SFSR bits, SFAR) and returns it as a failed transition. */
  private fault(f: SecureFault): TransitionResult {
    this.latch(f);
    return { ok: false, fault: f };
  }

  private latch(f: SecureFault): void {
    this.sfsr = (this.sfsr | f.sfsr) >>> 0;
    if (f.sfar !== undefined) this.sfar = f.sfar;
  }

  private switchTo(state: SecurityState): void {
    if (state === this.current) return;
    const live = this.banked(this.current);
    const r = this.regs;
    r.msp = this.other.msp;
    r.psp = this.other.psp;
    r.control = this.other.control;
    r.primask = this.other.primask;
    r.basepri = this.other.basepri;
    r.faultmask = this.other.faultmask;
    Object.assign(this.other, live);
    this.current = state;
  }

  private requireState(state: SecurityState, what: string): void {
    if (this.current !== state) {
      throw new TrustZoneError(
        'wrong-state',
        `${what} needs ${state} state; the PE is ${this.current}`,
      );
    }
  }
}
