// ArmV8mPort: the kernel's ArchPort on ARMv8-M. It owns one saved context per thread (a register
// file in the thread's Thread-mode view plus the PSP/EXC_RETURN a PendSV-style switch keeps), the
// live CPU register file a simulator executes with, and the hardware models the kernel programs:
// the PMSAv8 MPU (thread memory maps solved into regions, loaded on switch, and checking every
// host-task access as unprivileged), SysTick (one-shot deadlines) and the NVIC (interrupt masking).
// It also gives a simulator the two transitions around the kernel: SVC entry (hardware stacking,
// then the software save) and exception return into the chosen thread. Relies on @k5/abi's armv8m
// syscall convention, @k5/kernel's ArchPort contract and this package's models.
// TrustZone-M: the kernel runs Secure privileged, ordinary threads Non-secure unprivileged (MPU_NS
// regions), enclave threads Secure unprivileged (MPU_S regions). The SAU attributes every loaded
// enclave's memory Secure and the granules of its declared entries Non-secure callable
// (`enclave-sau.ts`); an interrupt preempting an enclave stacks and clears its registers
// (`secure-preemption.ts`).

import { SYSCALL_CONVENTIONS, type SyscallConvention } from '@k5/abi';
import {
  AccessKind,
  type ArchPort,
  type ContextId,
  type EnclaveDomain,
  type InterruptController,
  type MemoryGrant,
} from '@k5/kernel';
import { ExceptionModelError } from '../errors';
import {
  BASIC_FRAME_WORDS,
  EXC_RETURN_S,
  EXC_RETURN_THREAD_PSP,
  type ExceptionEntry,
  exceptionEntry,
  exceptionReturn,
  FRAME_OFFSET,
} from '../exception-frame';
import type { FaultStatus } from '../faults';
import { faultStatusFor } from '../faults';
import type { MpuFault } from '../mpu/checker';
import type { MemoryAccess } from '../mpu/memory-map';
import {
  MPU_CTRL,
  MPU_CTRL_ENABLE,
  MPU_CTRL_PRIVDEFENA,
  MPU_MAIR0,
  MPU_MAIR1,
  Pmsav8Mpu,
  type Pmsav8RegionRegisters,
} from '../mpu/pmsav8';
import { applyPmsav8Solution, type Pmsav8Solution } from '../mpu/solver-v8';
import { ExceptionNumber, IRQ_BASE, Nvic } from '../nvic';
import {
  CONTROL_FPCA,
  CONTROL_NPRIV,
  CONTROL_SPSEL,
  RegisterFile,
  SparseWordMemory,
  type WordMemory,
  XPSR_IPSR_MASK,
  XPSR_STACK_ALIGN,
  XPSR_T,
} from '../registers';
import { type Idau, Sau } from '../sau';
import { SysTick } from '../systick';
import type { AddressRange } from '../trustzone/layout';
import { checkNonSecureAccess } from '../trustzone/nonsecure-access';
import type { SecurityState } from '../trustzone/secure-core';
import type { SecureFault } from '../trustzone/sfsr';
import { newSavedContext, type SavedContext } from '../trap-abi';
import { EnclaveAttribution, WHOLE_ADDRESS_SPACE } from './enclave-sau';
import { faultMessage, type KernelFaultMessage } from './fault-message';
import { solveGrants } from './grants';
import { ArmV8mPortError } from './port-errors';
import {
  EXC_RETURN_NS_HANDLER_NS_THREAD,
  EXC_RETURN_SECURE_HANDLER_NS_THREAD,
  readSecureContext,
  type SecureStacking,
  stackSecureContext,
} from './secure-preemption';
import { SysTickDeadline } from './systick-deadline';

/** Index of xPSR in the port's register numbering (after r0-r12, sp, lr, pc), as `@k5/abi` names it. */
export const ARMV8M_XPSR_INDEX = 16;
/** Registers in a context: r0-r12, sp (the thread's PSP), lr, pc, xpsr. */
export const ARMV8M_REGISTER_COUNT = 17;

/** Options of {@link ArmV8mPort}. */
export interface ArmV8mPortOptions {
  /** MPU regions (MPU_TYPE.DREGION): 4, 8, 12 or 16 on real cores. Defaults to 8. */
  readonly mpuRegions?: number;
  /**
   * The first regions, kept for the kernel and never given to a thread. Defaults to the number of
   * `kernelRegions`. Reserving more regions leaves fewer for each thread's memory map.
   */
  readonly reservedRegions?: number;
  /**
   * Register values of the reserved regions (usually privileged-only, AP = 0b00), written once at
   * construction. An enabled kernel region must not overlap any thread grant, or the MPU reports
   * the overlap as a MemManage fault, as hardware does.
   */
  readonly kernelRegions?: readonly Pmsav8RegionRegisters[];
  /** External interrupt lines of the NVIC (1..480). Defaults to 64. */
  readonly irqs?: number;
  /** Implemented NVIC priority bits. Defaults to 3 (as on the STM32L5). */
  readonly priorityBits?: number;
  /**
   * The kernel's clock in ticks, read when a deadline is armed (`setTimer` takes an absolute
   * deadline, SysTick counts a delay). One tick is one SysTick clock, the core clock with
   * CLKSOURCE = 1. Defaults to a clock that stays at 0.
   */
  readonly now?: () => number;
  /** Memory exception frames are stacked into. Defaults to a fresh {@link SparseWordMemory}. */
  readonly memory?: WordMemory;
  /** Called when a thread's memory map cannot be solved (the thread is then given no regions). */
  readonly onMapError?: (ctx: ContextId, error: ArmV8mPortError) => void;
  /** SAU regions (SAU_TYPE.SREGION). Defaults to 8, as on the Cortex-M33. */
  readonly sauRegions?: number;
  /** The SoC's IDAU (the more secure of its and the SAU's answer wins). Defaults to none. */
  readonly idau?: Idau;
  /**
   * Memory the SAU attributes Non-secure (32-byte granules), minus every enclave's memory.
   * Defaults to the whole 32-bit space: only enclaves are Secure, the kernel's own memory is
   * kept from threads by the MPU as before.
   */
  readonly nonSecureMemory?: readonly AddressRange[];
}

/** A SecureFault the port's attribution check raised for a Non-secure thread's access. */
export interface PortSecureFault extends SecureFault {
  /** Always false. */
  readonly allowed: false;
  /** The exception the access raises. */
  readonly fault: 'SecureFault';
  /** SFAR for an attribution violation, else the first byte of the access. */
  readonly address: number;
  /** The access kind. */
  readonly access: MemoryAccess;
}

/** What {@link ArmV8mPort.checkAccess} refused last: a MemManage/BusFault of the MPU, or a SecureFault. */
export type PortFault = MpuFault | PortSecureFault;

/** What {@link ArmV8mPort.takeInterrupt} did to the thread it preempted. */
export interface InterruptEntry {
  /** The exception taken. */
  readonly exception: number;
  /** The security state that ran on the CPU. */
  readonly preempted: SecurityState;
  /** EXC_RETURN in LR. */
  readonly excReturn: number;
  /** The basic frame's address. */
  readonly frameAddress: number;
  /** For an enclave: where the additional state context starts on its Secure stack. */
  readonly additionalState?: number;
}

/** The kernel entry points the port's interrupt delivery calls (the kernel facade has both). */
export interface InterruptSink {
  /** SysTick fired: the armed deadline was reached. */
  timerInterrupt(): void;
  /** External interrupt line `irq` fired. */
  interrupt(irq: number): void;
}

/** One exception {@link ArmV8mPort.deliverInterrupts} took into the kernel. */
export type DeliveredInterrupt =
  | { readonly kind: 'timer' }
  | { readonly kind: 'irq'; readonly irq: number };

/** One thread's saved state. */
interface Context {
  /** The thread's registers as it sees them in Thread mode (SP is its PSP). */
  readonly regs: RegisterFile;
  /** The software-saved half of a switch: r4-r11, the PSP at its frame, EXC_RETURN. */
  readonly saved: SavedContext;
  grants: readonly MemoryGrant[];
  solution: Pmsav8Solution | null;
  mapError: ArmV8mPortError | null;
  /** The enclave the thread belongs to (it then runs Secure), or null (Non-secure). */
  enclave: EnclaveDomain | null;
}

/** The banked stack pointers and CONTROL of the state that is not running (see `takeInterrupt`). */
interface Bank {
  msp: number;
  psp: number;
  control: number;
}

const ACCESS_BITS = [AccessKind.Read, AccessKind.Write, AccessKind.Execute] as const;

const MEMORY_ACCESS: Record<number, MemoryAccess> = {
  [AccessKind.Read]: 'read',
  [AccessKind.Write]: 'write',
  [AccessKind.Execute]: 'execute',
};

function threadRegisterFile(): RegisterFile {
  const regs = new RegisterFile();
  // Thread mode, unprivileged, on PSP: reads and writes of SP reach the thread's PSP.
  regs.control = CONTROL_NPRIV | CONTROL_SPSEL;
  regs.xpsr = XPSR_T;
  return regs;
}

/**
 * The ARMv8-M implementation of the kernel's `ArchPort`, with the hardware models it programs.
 * Host tasks run on it unchanged; a CPU simulator drives it through {@link ArmV8mPort.enterFromSvc},
 * {@link ArmV8mPort.returnToThread}, {@link ArmV8mPort.advanceTimer} and
 * {@link ArmV8mPort.pendingInterrupt}.
 */
export class ArmV8mPort implements ArchPort {
  /** The armv8m convention of `@k5/abi`: number in r11, slots r4-r10, pc 15, sp 13. */
  readonly convention: SyscallConvention = SYSCALL_CONVENTIONS.armv8m;
  /** r0-r12, sp, lr, pc, xpsr. */
  readonly registerCount = ARMV8M_REGISTER_COUNT;
  /** The architecture enclave measurements name: this port enforces enclaves with TrustZone-M. */
  readonly enclaveArch = 'armv8-m' as const;
  /** The live CPU register file (the simulator's core). */
  readonly cpu: RegisterFile;
  /** MPU_NS: the MPU the port loads with an ordinary (Non-secure) thread's regions on a switch. */
  readonly mpu: Pmsav8Mpu;
  /** MPU_S: loaded with an enclave thread's regions (it runs Secure, unprivileged). */
  readonly secureMpu: Pmsav8Mpu;
  /** The SAU: enclave memory Secure, the granules of their entries Non-secure callable. */
  readonly sau: Sau;
  /** The NVIC: interrupt lines the kernel masks and unmasks, SysTick and PendSV pending bits. */
  readonly nvic: Nvic;
  /** The timer behind `setTimer`. */
  readonly systick: SysTick;
  /** Where exception frames are stacked. */
  readonly memory: WordMemory;
  /** The kernel's view of the NVIC. */
  readonly interrupts: InterruptController;
  /** The last access {@link ArmV8mPort.checkAccess} refused (MPU or SAU), or null. */
  lastFault: PortFault | null = null;
  /** SFSR: SecureFault bits latched by refused Non-secure accesses (sticky, as on the PE). */
  sfsr = 0;
  /** SFAR: the address of the last attribution violation. */
  sfar = 0;
  /**
   * The security state of the code on the CPU: Secure for the kernel and for enclave threads,
   * Non-secure for ordinary threads ({@link ArmV8mPort.switchTo} and the transitions set it).
   */
  security: SecurityState = 'secure';
  /** Whether the code on the CPU is privileged: only the kernel is. */
  privileged = true;
  /** SCB fault status latched by the last refused access (what CFSR/MMFAR/BFAR would hold). */
  faultStatus: FaultStatus = { cfsr: 0 };
  /** How many times a context's MPU configuration was loaded (each is a switch the MPU saw). */
  mpuLoads = 0;
  /** How many switch notifications the kernel sent ({@link ArmV8mPort.switchTo}). */
  switches = 0;
  private readonly reserved: number;
  private readonly onMapError: ((ctx: ContextId, error: ArmV8mPortError) => void) | undefined;
  private readonly contexts = new Map<number, Context>();
  private readonly free: number[] = [];
  private next = 0;
  private loaded: number | null = null;
  /** Whether the MPU holds the idle configuration (every thread region disabled). */
  private idleLoaded = false;
  /** A second MPU for checking contexts that are not loaded, and whose regions it holds. */
  private shadow: Pmsav8Mpu | null = null;
  private shadowFor: number | null = null;
  private readonly timer: SysTickDeadline;
  private readonly attribution: EnclaveAttribution;
  /** The Non-secure bank while Secure code runs (MSP_NS, PSP_NS, CONTROL_NS). */
  private nonSecureBank: Bank = { msp: 0, psp: 0, control: CONTROL_NPRIV | CONTROL_SPSEL };
  /** The Secure bank while a Non-secure handler runs over a preempted enclave. */
  private secureBank: Bank | null = null;

  /** @param options - MPU size, kernel regions, NVIC size, clock and frame memory. */
  constructor(options: ArmV8mPortOptions = {}) {
    const regions = options.mpuRegions ?? 8;
    const kernelRegions = options.kernelRegions ?? [];
    const reserved = options.reservedRegions ?? kernelRegions.length;
    if (!Number.isInteger(regions) || regions < 1 || regions > 255) {
      throw new ArmV8mPortError(
        'bad-option',
        `mpuRegions ${regions} must be 1..255 (4, 8, 12 or 16 on real cores)`,
      );
    }
    if (!Number.isInteger(reserved) || reserved < kernelRegions.length || reserved >= regions) {
      throw new ArmV8mPortError(
        'bad-option',
        `reservedRegions ${reserved} must cover the ${kernelRegions.length} kernel regions and leave threads at least one of the ${regions}`,
      );
    }
    this.reserved = reserved;
    this.mpu = new Pmsav8Mpu({ regions });
    this.secureMpu = new Pmsav8Mpu({ regions });
    // Both banks hold the kernel regions, so an unprivileged thread of either state is refused
    // kernel memory by its own MPU. PRIVDEFENA: the kernel runs privileged on the default map.
    for (const mpu of [this.mpu, this.secureMpu]) {
      kernelRegions.forEach((r, i) => {
        mpu.setRegion(i, r.rbar, r.rlar);
      });
      mpu.write(MPU_CTRL, MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
    }
    const sauRegions = options.sauRegions ?? 8;
    if (!Number.isInteger(sauRegions) || sauRegions < 1 || sauRegions > 255) {
      throw new ArmV8mPortError('bad-option', `sauRegions ${sauRegions} must be 1..255`);
    }
    this.sau = new Sau({ regions: sauRegions, ...(options.idau ? { idau: options.idau } : {}) });
    this.attribution = new EnclaveAttribution(
      this.sau,
      options.nonSecureMemory ?? [WHOLE_ADDRESS_SPACE],
    );
    this.nvic = new Nvic({
      irqs: options.irqs ?? 64,
      ...(options.priorityBits !== undefined ? { priorityBits: options.priorityBits } : {}),
    });
    this.nvic.setEnabled(ExceptionNumber.SysTick, true);
    this.systick = new SysTick();
    this.memory = options.memory ?? new SparseWordMemory();
    this.timer = new SysTickDeadline(this.systick, this.nvic, options.now ?? (() => 0));
    this.onMapError = options.onMapError;
    this.cpu = new RegisterFile();
    const nvic = this.nvic;
    this.interrupts = {
      lineCount: nvic.irqs,
      mask: (irq) => nvic.setEnabled(IRQ_BASE + irq, false),
      unmask: (irq) => nvic.setEnabled(IRQ_BASE + irq, true),
    };
  }

  /** Regions the kernel keeps (0..reservedRegions-1); thread maps use the rest. */
  get reservedRegions(): number {
    return this.reserved;
  }

  // --- contexts and registers -------------------------------------------------------------

  createContext(): ContextId {
    const id = this.free.pop() ?? this.next++;
    this.contexts.set(id, {
      regs: threadRegisterFile(),
      saved: newSavedContext(0, EXC_RETURN_THREAD_PSP),
      grants: [],
      solution: null,
      mapError: null,
      enclave: null,
    });
    // Fail closed until a map arrives: an empty map solves to all thread regions disabled.
    this.setMemoryMap(id as ContextId, []);
    return id as ContextId;
  }

  destroyContext(ctx: ContextId): void {
    this.context(ctx);
    this.contexts.delete(ctx);
    this.free.push(ctx);
    if (this.loaded === ctx) this.loaded = null;
    if (this.shadowFor === ctx) this.shadowFor = null;
  }

  readRegister(ctx: ContextId, index: number): number {
    const regs = this.context(ctx).regs;
    return index === ARMV8M_XPSR_INDEX ? regs.xpsr : regs.get(index);
  }

  /**
   * Writes a register. SP is word aligned (bits [1:0] are RES0); xPSR keeps its flags and
   * execution-state bits but not IPSR or the frame-alignment bit 9, which a thread cannot hold.
   */
  writeRegister(ctx: ContextId, index: number, value: number): void {
    const regs = this.context(ctx).regs;
    if (index === ARMV8M_XPSR_INDEX)
      regs.xpsr = (value & ~(XPSR_IPSR_MASK | XPSR_STACK_ALIGN)) >>> 0;
    else regs.set(index, value);
  }

  syscallNumber(ctx: ContextId): number {
    return this.context(ctx).regs.get(this.convention.numberRegister);
  }

  argument(ctx: ContextId, slot: number): number {
    return this.context(ctx).regs.get(this.slotRegister(slot));
  }

  setResult(ctx: ContextId, slot: number, value: number): void {
    this.context(ctx).regs.set(this.slotRegister(slot), value);
  }

  // --- memory protection ------------------------------------------------------------------

  /**
   * Solves `grants` into MPU regions now (so an error is reported when the map changes, not at the
   * next switch) and caches the solution for the context. A map that does not fit leaves the
   * thread with no regions at all (every access faults) and is reported through
   * {@link ArmV8mPort.mapError} and the `onMapError` option: the contract gives setMemoryMap no way
   * to fail the kernel operation that caused it.
   */
  setMemoryMap(ctx: ContextId, grants: readonly MemoryGrant[]): void {
    const c = this.context(ctx);
    c.grants = grants;
    try {
      c.solution = solveGrants(grants, this.mpu.regionCount, this.reserved);
      c.mapError = null;
    } catch (e) {
      if (!(e instanceof ArmV8mPortError)) throw e;
      c.solution = null;
      c.mapError = e;
      this.onMapError?.(ctx, e);
    }
    if (this.loaded === ctx) this.loaded = null;
    if (this.shadowFor === ctx) this.shadowFor = null;
  }

  /** Why the context's last memory map could not be loaded, or null when it was. */
  mapError(ctx: ContextId): ArmV8mPortError | null {
    return this.context(ctx).mapError;
  }

  /** The cached MPU solution of a context (null after a map error). */
  solution(ctx: ContextId): Pmsav8Solution | null {
    return this.context(ctx).solution;
  }

  /** The grants last installed for a context. */
  grants(ctx: ContextId): readonly MemoryGrant[] {
    return this.context(ctx).grants;
  }

  // --- enclaves (TrustZone-M) -------------------------------------------------------------

  /**
   * The kernel loaded an enclave (`ArchPort.addEnclave`): the SAU is replanned so that its memory
   * is Secure and the 32-byte granules holding its entries' SG instructions are Non-secure
   * callable. From now on no Non-secure thread reaches its memory, whatever its MPU_NS regions.
   *
   * @throws {@link ArmV8mPortError} before changing anything: `sau-exhausted` when the SAU has too
   * few regions for the Non-secure pieces and gateways (see {@link ArmV8mPort.enclaveRefusal} to
   * ask first), `bad-enclave` for a domain the SAU cannot express or one already added.
   */
  addEnclave(domain: EnclaveDomain): void {
    this.attribution.add(domain);
    this.shadowFor = null;
  }

  /** Why {@link ArmV8mPort.addEnclave} would refuse `domain` now, or null when it would not. */
  enclaveRefusal(domain: EnclaveDomain): ArmV8mPortError | null {
    return this.attribution.refusal(domain);
  }

  /**
   * The kernel destroyed enclave `id` (`ArchPort.removeEnclave`): its memory is ordinary memory
   * again and its threads, if any are left, become Non-secure. An id the port does not hold (never
   * added, or refused) changes nothing.
   */
  removeEnclave(id: number): void {
    if (!this.attribution.remove(id)) return;
    for (const [ctx, c] of this.contexts) {
      if (c.enclave?.id !== id) continue;
      c.enclave = null;
      if (this.loaded === ctx) this.loaded = null;
    }
    this.shadowFor = null;
  }

  /**
   * Thread `ctx` joins enclave `domain` or, with null, leaves it (`ArchPort.setEnclave`): from its
   * next switch it runs Secure unprivileged with its regions in MPU_S (or Non-secure on MPU_NS).
   *
   * @throws {@link ArmV8mPortError} `unknown-enclave` when `domain` was not added.
   */
  setEnclave(ctx: ContextId, domain: EnclaveDomain | null): void {
    const c = this.context(ctx);
    let enclave: EnclaveDomain | null = null;
    if (domain !== null) {
      const known = this.attribution.enclaves.get(domain.id);
      if (!known || known.base !== domain.base || known.size !== domain.size) {
        throw new ArmV8mPortError(
          'unknown-enclave',
          `context ${ctx} cannot join enclave ${domain.id}: it was not added with addEnclave (or with other memory)`,
        );
      }
      enclave = known;
    }
    c.enclave = enclave;
    if (this.loaded === ctx) this.loaded = null;
    if (this.shadowFor === ctx) this.shadowFor = null;
  }

  /** The enclave a context belongs to, or null. */
  enclaveOf(ctx: ContextId): EnclaveDomain | null {
    return this.context(ctx).enclave;
  }

  /** The security state a context runs in: Secure for enclave threads, else Non-secure. */
  securityOf(ctx: ContextId): SecurityState {
    return this.context(ctx).enclave ? 'secure' : 'non-secure';
  }

  /** The enclaves the SAU enforces now, by kernel id. */
  get enclaves(): ReadonlyMap<number, EnclaveDomain> {
    return this.attribution.enclaves;
  }

  /** Clears SFSR bits (write-one-to-clear, as the Secure kernel does after handling a SecureFault). */
  clearSecureFault(bits = 0xff): void {
    this.sfsr = (this.sfsr & ~bits) >>> 0;
  }

  /** The context whose regions the MPU holds, or null. */
  get loadedContext(): ContextId | null {
    return this.loaded as ContextId | null;
  }

  /**
   * The kernel's switch notification (`ArchPort.switchTo`), called at the end of every kernel
   * entry with the context the CPU runs next: loads its MPU regions, or, for `null` (idle),
   * disables every thread region so that nothing a thread was granted stays reachable while the
   * core sleeps. Counted in {@link ArmV8mPort.switches}.
   */
  switchTo(ctx: ContextId | null): void {
    this.switches++;
    if (ctx !== null) {
      this.activate(ctx);
      return;
    }
    // Idle: the kernel sleeps in Secure privileged state.
    this.security = 'secure';
    this.privileged = true;
    if (this.loaded === null && this.idleLoaded) return;
    for (const mpu of [this.mpu, this.secureMpu]) {
      for (let r = this.reserved; r < mpu.regionCount; r++) mpu.setRegion(r, 0, 0);
    }
    this.loaded = null;
    this.idleLoaded = true;
  }

  /**
   * Loads the context's thread regions into the MPU, as the kernel's switch path does (the
   * kernel regions stay). Does nothing when they are already loaded. {@link ArmV8mPort.switchTo}
   * and {@link ArmV8mPort.returnToThread} call it.
   */
  activate(ctx: ContextId): void {
    const c = this.context(ctx);
    // Enclave threads run Secure unprivileged on MPU_S, the others Non-secure unprivileged on MPU_NS.
    this.security = c.enclave ? 'secure' : 'non-secure';
    this.privileged = false;
    if (this.loaded === ctx) return;
    const mpu = c.enclave ? this.secureMpu : this.mpu;
    if (c.solution) applyPmsav8Solution(mpu, c.solution);
    else for (let r = this.reserved; r < mpu.regionCount; r++) mpu.setRegion(r, 0, 0);
    this.loaded = ctx;
    this.idleLoaded = false;
    this.mpuLoads++;
  }

  /**
   * Checks an access of the thread through the MPU model as an unprivileged Thread-mode access:
   * on the live MPU when the thread's regions are loaded, else on a shadow MPU holding the same
   * kernel regions and the thread's solution, so that a kernel check of another thread (a lease
   * or borrowed buffer of the caller) does not disturb what {@link ArmV8mPort.switchTo} loaded.
   * A refused access latches {@link ArmV8mPort.lastFault} and the CFSR/MMFAR/BFAR values in
   * {@link ArmV8mPort.faultStatus}. An access that leaves the 32-bit space is refused, not thrown.
   */
  checkAccess(ctx: ContextId, address: number, size: number, kind: AccessKind): boolean {
    const mpu = this.mpuFor(ctx);
    const nonSecure = this.context(ctx).enclave === null;
    const inRange =
      Number.isInteger(address) &&
      address >= 0 &&
      Number.isInteger(size) &&
      size >= 1 &&
      address + size <= 0x100000000;
    if (!inRange) return false;
    for (const bit of ACCESS_BITS) {
      if ((kind & bit) === 0) continue;
      if (nonSecure) {
        const verdict = this.attribute(address, size, bit);
        if (verdict === 'gateway') continue;
        if (verdict !== 'non-secure') return false;
      }
      const result = mpu.check(address, size, MEMORY_ACCESS[bit]!, false);
      if (!result.allowed) {
        this.lastFault = result;
        const status = faultStatusFor(result);
        this.faultStatus = { ...status, dataAccess: bit === AccessKind.Write ? 'write' : 'read' };
        return false;
      }
    }
    return true;
  }

  /**
   * {@link ArmV8mPort.checkAccess}'s verdict with nothing latched: lastFault, SFSR, SFAR and
   * faultStatus keep their values (the kernel's invariant checker asks this way).
   */
  queryAccess(ctx: ContextId, address: number, size: number, kind: AccessKind): boolean {
    const { lastFault, sfsr, sfar, faultStatus } = this;
    const allowed = this.checkAccess(ctx, address, size, kind);
    this.lastFault = lastFault;
    this.sfsr = sfsr;
    this.sfar = sfar;
    this.faultStatus = faultStatus;
    return allowed;
  }

  /**
   * The SAU half of a Non-secure thread's access, before its MPU: every byte must be attributed
   * Non-secure (else SecureFault AUVIOL, SFAR at the first Secure byte); a fetch from Secure or
   * Non-secure callable memory is INVEP except an SG gateway at a declared enclave entry, which
   * passes (`gateway`: the SG then runs Secure, so MPU_NS has no say). A refusal latches
   * {@link ArmV8mPort.lastFault}, SFSR/SFAR and {@link ArmV8mPort.faultStatus}.
   */
  private attribute(
    address: number,
    size: number,
    bit: number,
  ): 'non-secure' | 'gateway' | SecureFault {
    const access = MEMORY_ACCESS[bit]!;
    // A fetch is a byte address: only the SG's own first byte is the gateway, not entry + 1.
    if (
      access === 'execute' &&
      size <= 4 &&
      address % 2 === 0 &&
      this.attribution.branch(address).kind === 'secure-entry'
    ) {
      return 'gateway';
    }
    const result = checkNonSecureAccess(this.sau, address, size, access);
    if (result.allowed) return 'non-secure';
    const f = result.fault;
    this.sfsr = (this.sfsr | f.sfsr) >>> 0;
    if (f.sfar !== undefined) this.sfar = f.sfar;
    this.lastFault = {
      ...f,
      allowed: false,
      fault: 'SecureFault',
      address: f.sfar ?? address,
      access,
    };
    this.faultStatus = {
      cfsr: 0,
      sfsr: f.sfsr,
      ...(f.sfar !== undefined ? { sfar: f.sfar } : {}),
      ...(access !== 'execute' ? { dataAccess: access } : {}),
    };
    return f;
  }

  /** The MPU that holds `ctx`'s regions: the live one if loaded, else the shadow, loaded now. */
  private mpuFor(ctx: ContextId): Pmsav8Mpu {
    const c = this.context(ctx);
    if (this.loaded === ctx) return c.enclave ? this.secureMpu : this.mpu;
    if (this.shadow === null) {
      const shadow = new Pmsav8Mpu({ regions: this.mpu.regionCount });
      for (let r = 0; r < this.reserved; r++) {
        const { rbar, rlar } = this.mpu.regionRegisters(r);
        shadow.setRegion(r, rbar, rlar);
      }
      shadow.write(MPU_MAIR0, this.mpu.read(MPU_MAIR0));
      shadow.write(MPU_MAIR1, this.mpu.read(MPU_MAIR1));
      shadow.write(MPU_CTRL, this.mpu.read(MPU_CTRL));
      this.shadow = shadow;
    }
    if (this.shadowFor !== ctx) {
      if (c.solution) applyPmsav8Solution(this.shadow, c.solution);
      else
        for (let r = this.reserved; r < this.shadow.regionCount; r++)
          this.shadow.setRegion(r, 0, 0);
      this.shadowFor = ctx;
    }
    return this.shadow;
  }

  // --- timer ------------------------------------------------------------------------------

  /**
   * Arms SysTick for an absolute deadline (in ticks of the `now` clock) or disarms it. SysTick
   * counts a delay of at most 2^24 clocks; a later deadline is re-armed from
   * {@link ArmV8mPort.advanceTimer} each time a period ends. A deadline now or one tick away pends
   * SysTick at once (the counter needs one clock to reload). Re-arming clears a stale pending bit.
   */
  setTimer(deadline: number | null): void {
    this.timer.set(deadline);
  }

  /** The armed deadline in ticks, or null. */
  get timerDeadline(): number | null {
    return this.timer.deadline;
  }

  /**
   * Advances SysTick by `cycles` core clocks (what a simulator does after executing them) and
   * returns whether the armed deadline was reached; SysTick is then pending in the NVIC and the
   * counter stopped (one-shot).
   */
  advanceTimer(cycles: number): boolean {
    return this.timer.advance(cycles);
  }

  /**
   * Lets SysTick count the kernel ticks that passed without it: host tasks spend time through
   * `kernel.advance`, not through the CPU, so a simulator mixing them with machine threads calls
   * this after running host tasks. Returns whether the deadline was reached (as
   * {@link ArmV8mPort.advanceTimer}).
   */
  syncTimer(): boolean {
    return this.timer.sync();
  }

  /** Whether SysTick is pending (the deadline passed and the kernel has not taken it yet). */
  get timerPending(): boolean {
    return this.timer.pending;
  }

  // --- interrupts -------------------------------------------------------------------------

  /** A device asserts interrupt line `irq` (sets its NVIC pending bit). */
  raiseInterrupt(irq: number): void {
    this.nvic.setPending(IRQ_BASE + irq, true);
  }

  /**
   * The external interrupt line that would be taken now, judged with the CPU's PRIMASK, BASEPRI
   * and FAULTMASK: pending, enabled (not masked by the kernel) and above the execution priority.
   * Undefined when none, or when a system exception (SysTick, PendSV) comes first.
   */
  pendingInterrupt(): number | undefined {
    const e = this.nvic.preemptingException({
      primask: this.cpu.primask,
      basepri: this.cpu.basepri,
      faultmask: this.cpu.faultmask,
    });
    return e !== undefined && e >= IRQ_BASE ? e - IRQ_BASE : undefined;
  }

  /** Exception entry for line `irq`: it becomes active and stops being pending. */
  acknowledgeInterrupt(irq: number): void {
    this.nvic.acknowledge(IRQ_BASE + irq);
  }

  /** Exception return from line `irq`; returns the line to tail-chain into, if any. */
  completeInterrupt(irq: number): number | undefined {
    const e = this.nvic.complete(IRQ_BASE + irq, {
      primask: this.cpu.primask,
      basepri: this.cpu.basepri,
      faultmask: this.cpu.faultmask,
    });
    return e !== undefined && e >= IRQ_BASE ? e - IRQ_BASE : undefined;
  }

  /**
   * Takes every exception the NVIC would take now into the kernel, highest priority first (the
   * hardware's tail-chaining order): SysTick becomes `kernel.timerInterrupt()`, external line n
   * becomes `kernel.interrupt(n)` (the kernel masks the line and signals its handler). Each is
   * acknowledged before and completed after its kernel entry, as the exception would be. Lines
   * masked by the kernel, and anything at or below the CPU's PRIMASK/BASEPRI/FAULTMASK priority,
   * stay pending. Returns what was delivered, in order.
   *
   * With `preempted`, the thread running on {@link ArmV8mPort.cpu} is preempted by the first
   * exception first: {@link ArmV8mPort.takeInterrupt} (for an enclave: Secure context stacking and
   * register clearing) and {@link ArmV8mPort.saveFromException}, before the kernel entry.
   */
  deliverInterrupts(kernel: InterruptSink, preempted?: ContextId): DeliveredInterrupt[] {
    const delivered: DeliveredInterrupt[] = [];
    let running = preempted;
    const masks = () => ({
      primask: this.cpu.primask,
      basepri: this.cpu.basepri,
      faultmask: this.cpu.faultmask,
    });
    for (let e = this.nvic.preemptingException(masks()); e !== undefined; ) {
      if (e !== ExceptionNumber.SysTick && e < IRQ_BASE) break; // a system exception: not ours
      if (running !== undefined) {
        this.takeInterrupt(running, e);
        this.saveFromException(running);
        running = undefined;
      }
      this.nvic.acknowledge(e);
      if (e === ExceptionNumber.SysTick) {
        delivered.push({ kind: 'timer' });
        kernel.timerInterrupt();
      } else {
        delivered.push({ kind: 'irq', irq: e - IRQ_BASE });
        kernel.interrupt(e - IRQ_BASE);
      }
      e = this.nvic.complete(e, masks());
    }
    return delivered;
  }

  // --- the simulator's side: entering and leaving the kernel --------------------------------

  /**
   * SVC from the thread running on {@link ArmV8mPort.cpu}: takes the SVCall exception (hardware
   * stacking of r0-r3, r12, LR, PC, xPSR onto PSP through the frame model, with `returnAddress`,
   * the instruction after the SVC) and saves the thread into `ctx` ({@link ArmV8mPort.saveFromException}).
   * Then call the kernel's `syscall(thread)` and {@link ArmV8mPort.returnToThread} with the thread
   * it chose.
   */
  enterFromSvc(ctx: ContextId, returnAddress: number = this.cpu.pc): ExceptionEntry {
    const entry = exceptionEntry(this.cpu, this.memory, ExceptionNumber.SVCall, returnAddress);
    // SVCall_S: an ordinary thread stacked on its Non-secure stack (EXC_RETURN.S = 0).
    const excReturn = this.context(ctx).enclave
      ? entry.excReturn
      : (entry.excReturn & ~EXC_RETURN_S) >>> 0;
    this.cpu.lr = excReturn;
    this.saveFromException(ctx);
    return { ...entry, excReturn };
  }

  /**
   * The hardware half of an interrupt (SysTick or an NVIC line) preempting thread `ctx` running on
   * {@link ArmV8mPort.cpu}. On TrustZone-M, K5 takes interrupts to Non-secure state (NVIC_ITNS set,
   * its Non-secure vector a stub that enters the Secure kernel through the kernel's own gateway),
   * so the architecture protects a preempted enclave: the basic frame and the additional state
   * context (0xfefa125b, reserved, r4-r11) go onto the enclave's Secure stack, r0-r12 and the
   * APSR flags are cleared, LR = 0xfffffffc, and the Non-secure handler runs with the Non-secure
   * bank (MSP_NS, PSP_NS, CONTROL_NS): nothing on the CPU holds an enclave value. An ordinary
   * thread gets the basic frame on its stack and LR = 0xffffffbc. PC is the vector (0 here: the
   * model has no vector table). Then call {@link ArmV8mPort.saveFromException}, the kernel half.
   */
  takeInterrupt(
    ctx: ContextId,
    exception: number,
    returnAddress: number = this.cpu.pc,
  ): InterruptEntry {
    const c = this.context(ctx);
    const cpu = this.cpu;
    let entry: InterruptEntry;
    if (c.enclave) {
      const stacked: SecureStacking = stackSecureContext(
        cpu,
        this.memory,
        exception,
        returnAddress,
      );
      this.secureBank = { msp: cpu.msp, psp: cpu.psp, control: cpu.control };
      cpu.msp = this.nonSecureBank.msp;
      cpu.psp = this.nonSecureBank.psp;
      entry = {
        exception,
        preempted: 'secure',
        excReturn: stacked.excReturn,
        frameAddress: stacked.frameAddress,
        additionalState: stacked.additionalState,
      };
    } else {
      const stacked = exceptionEntry(cpu, this.memory, exception, returnAddress);
      cpu.lr = EXC_RETURN_NS_HANDLER_NS_THREAD;
      entry = {
        exception,
        preempted: 'non-secure',
        excReturn: cpu.lr,
        frameAddress: stacked.frameAddress,
      };
    }
    // Handler mode of the Non-secure state: on MSP_NS, privileged.
    cpu.control = (this.nonSecureBank.control & ~(CONTROL_SPSEL | CONTROL_FPCA)) >>> 0;
    cpu.pc = 0;
    this.security = 'non-secure';
    this.privileged = true;
    return entry;
  }

  /**
   * The software half of exception entry, for a simulator whose core already stacked the frame
   * (the CPU is in Handler mode, PSP points at the thread's basic frame and LR holds EXC_RETURN):
   * r0-r3, r12, LR, PC and xPSR are read back from the frame in memory, r4-r11 from the live
   * registers, and the thread's SP is the PSP before stacking.
   */
  saveFromException(ctx: ContextId): void {
    const c = this.context(ctx);
    const cpu = this.cpu;
    // From here the Secure kernel runs.
    this.security = 'secure';
    this.privileged = true;
    if (this.secureBank !== null && c.enclave) {
      this.saveSecureContext(c);
      return;
    }
    const frame = cpu.psp;
    const word = (offset: number) => this.memory.readWord(frame + offset) >>> 0;
    const regs = c.regs;
    regs.set(0, word(FRAME_OFFSET.r0));
    regs.set(1, word(FRAME_OFFSET.r1));
    regs.set(2, word(FRAME_OFFSET.r2));
    regs.set(3, word(FRAME_OFFSET.r3));
    regs.set(12, word(FRAME_OFFSET.r12));
    regs.lr = word(FRAME_OFFSET.lr);
    regs.pc = word(FRAME_OFFSET.pc);
    const xpsr = word(FRAME_OFFSET.xpsr);
    regs.xpsr = (xpsr & ~(XPSR_IPSR_MASK | XPSR_STACK_ALIGN)) >>> 0;
    for (let r = 4; r <= 11; r++) regs.set(r, cpu.get(r));
    regs.psp = (frame + BASIC_FRAME_WORDS * 4 + ((xpsr & XPSR_STACK_ALIGN) !== 0 ? 4 : 0)) >>> 0;
    c.saved.callee.set(Array.from({ length: 8 }, (_, i) => cpu.get(4 + i)));
    c.saved.psp = frame;
    c.saved.excReturn = cpu.lr;
    if (!c.enclave) this.nonSecureBank.psp = frame;
  }

  /**
   * The kernel half after {@link ArmV8mPort.takeInterrupt} preempted an enclave: the Non-secure
   * bank is put aside, the Secure one restored, and the enclave's registers are read from its
   * Secure stack (signature checked first) into its context, exactly as they were.
   */
  private saveSecureContext(c: Context): void {
    const cpu = this.cpu;
    const bank = this.secureBank!;
    this.secureBank = null;
    this.nonSecureBank = {
      msp: cpu.msp,
      psp: cpu.psp,
      control: this.nonSecureBank.control,
    };
    cpu.msp = bank.msp;
    cpu.psp = bank.psp;
    cpu.control = bank.control;
    const sc = readSecureContext(this.memory, bank.psp);
    const regs = c.regs;
    sc.r.forEach((v, i) => {
      regs.set(i, v);
    });
    regs.lr = sc.lr;
    regs.pc = sc.pc;
    regs.xpsr = sc.xpsr;
    regs.psp = sc.sp;
    c.saved.callee.set(sc.r.slice(4, 12));
    c.saved.psp = bank.psp;
    c.saved.excReturn = cpu.lr;
  }

  /**
   * Resumes `ctx` on {@link ArmV8mPort.cpu}: stacks its r0-r3, r12, LR, PC and xPSR as a basic
   * frame below its SP (8-byte aligned, bit 9 of the stacked xPSR recording a padding word), loads
   * r4-r11 and PSP, loads its regions into the MPU, sets CONTROL.nPRIV and performs the exception
   * return with EXC_RETURN 0xfffffffd. Returns the frame address.
   */
  returnToThread(ctx: ContextId): number {
    const c = this.context(ctx);
    const cpu = this.cpu;
    const regs = c.regs;
    const sp = regs.psp;
    if (sp < BASIC_FRAME_WORDS * 4 + 4 || sp % 4 !== 0) {
      throw new ExceptionModelError(
        'misaligned-stack',
        `thread SP 0x${sp.toString(16)} cannot hold an exception frame; give the thread a stack (write its SP register)`,
      );
    }
    const realigned = (sp & 4) !== 0;
    const frame = ((sp - BASIC_FRAME_WORDS * 4) & ~4) >>> 0;
    const w = (offset: number, value: number) => this.memory.writeWord(frame + offset, value >>> 0);
    w(FRAME_OFFSET.r0, regs.get(0));
    w(FRAME_OFFSET.r1, regs.get(1));
    w(FRAME_OFFSET.r2, regs.get(2));
    w(FRAME_OFFSET.r3, regs.get(3));
    w(FRAME_OFFSET.r12, regs.get(12));
    w(FRAME_OFFSET.lr, regs.lr);
    w(FRAME_OFFSET.pc, regs.pc & ~1);
    w(FRAME_OFFSET.xpsr, (regs.xpsr & ~XPSR_STACK_ALIGN) | (realigned ? XPSR_STACK_ALIGN : 0));
    for (let r = 4; r <= 11; r++) {
      c.saved.callee[r - 4] = regs.get(r);
      cpu.set(r, regs.get(r));
    }
    // The Secure kernel returns to Secure Thread mode (an enclave) or Non-secure Thread mode.
    const excReturn = c.enclave ? EXC_RETURN_THREAD_PSP : EXC_RETURN_SECURE_HANDLER_NS_THREAD;
    c.saved.psp = frame;
    c.saved.excReturn = excReturn;
    // The return is taken from Handler mode (the kernel's SVCall or PendSV handler).
    if (!cpu.handlerMode) cpu.xpsr = ((cpu.xpsr & ~XPSR_IPSR_MASK) | ExceptionNumber.SVCall) >>> 0;
    cpu.psp = frame;
    cpu.lr = excReturn;
    this.activate(ctx);
    cpu.control |= CONTROL_NPRIV;
    const popped = exceptionReturn(cpu, this.memory, excReturn);
    if (!c.enclave)
      this.nonSecureBank = { ...this.nonSecureBank, psp: cpu.psp, control: cpu.control };
    return popped;
  }

  /**
   * The kernel fault message for a thread that took a MemManage, BusFault or UsageFault with
   * `status` (defaults to the status latched by the last refused access): a VmFault carrying
   * MMFAR or BFAR, or a UserException carrying the exception number and CFSR. Pass its label and
   * words to the kernel's `fault(thread, label, words)`.
   */
  faultMessage(
    ctx: ContextId,
    status: FaultStatus = this.faultStatus,
  ): KernelFaultMessage | undefined {
    const regs = this.context(ctx).regs;
    return faultMessage(status, regs.pc, regs.psp);
  }

  /** The saved software context (r4-r11, PSP at the frame, EXC_RETURN) of a context. */
  savedContext(ctx: ContextId): Readonly<SavedContext> {
    return this.context(ctx).saved;
  }

  private slotRegister(slot: number): number {
    const r = this.convention.argumentRegisters[slot];
    if (r === undefined) {
      throw new ExceptionModelError('bad-argument-count', `syscall slot ${slot} is not 0..6`);
    }
    return r;
  }

  private context(ctx: ContextId): Context {
    const c = this.contexts.get(ctx);
    if (!c) {
      throw new ArmV8mPortError(
        'unknown-context',
        `context ${ctx} was not created by this port or was destroyed`,
      );
    }
    return c;
  }
}
