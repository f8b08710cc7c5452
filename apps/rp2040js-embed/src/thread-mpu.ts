// Which MPU decides a running thread's accesses. The kernel always programs ArmV8mPort's
// PMSAv8 model (switchTo loads the thread's regions there). The RP2040's Cortex-M0+ has an
// 8-region PMSAv7 MPU instead (power-of-two regions with subregions, ARMv6-M minimum 256
// bytes), which the port does not drive, so the adapter can also solve each thread's grants
// with the package's PMSAv7 solver and check accesses on a PMSAv7 model of its own, exactly
// as the M0+ would. Either way a refused access latches the fault status (CFSR, MMFAR) the
// HardFault handler reports.
import {
  type ArmV8mPort,
  applyPmsav7Solution,
  type FaultStatus,
  faultStatusFor,
  grantsToRequests,
  MPU_CTRL,
  MPU_CTRL_ENABLE,
  MPU_CTRL_PRIVDEFENA,
  Pmsav7Mpu,
  type Pmsav7Solution,
  solvePmsav7,
} from '@k5/arch-armv8m';
import { AccessKind, type ContextId, type MemoryGrant } from '@k5/kernel';
import type { AccessCheck } from './guarded-bus';

/** The MPU the guarded bus asks while a thread runs. */
export interface ThreadMpu {
  /** Which architecture's MPU model decides. */
  readonly kind: 'pmsav7' | 'pmsav8';
  /** Loads `ctx`'s layout (the port has already switched to it) and returns its check. */
  load(ctx: ContextId): AccessCheck;
  /** The fault status latched by the last refused access. */
  readonly faultStatus: FaultStatus;
}

/** The port's own PMSAv8 model, through `checkAccess`. */
export class PortMpu implements ThreadMpu {
  readonly kind = 'pmsav8';
  constructor(private readonly port: ArmV8mPort) {}
  load(ctx: ContextId): AccessCheck {
    return (address, size, kind) => this.port.checkAccess(ctx, address, size, kind);
  }
  get faultStatus(): FaultStatus {
    return this.port.faultStatus;
  }
}

const ACCESS_NAMES = { 1: 'read', 2: 'write', 4: 'execute' } as const;

/** The Cortex-M0+'s 8-region PMSAv7 MPU, programmed from the thread's grants. */
export class M0PlusMpu implements ThreadMpu {
  readonly kind = 'pmsav7';
  /** The MPU registers as the M0+ would hold them for the running thread. */
  readonly mpu = new Pmsav7Mpu({ regions: 8, profile: 'armv6m' });
  faultStatus: FaultStatus = { cfsr: 0 };
  /** Maps that PMSAv7 cannot express exactly, by context; such a thread gets no region. */
  readonly unsolvable = new Map<ContextId, Error>();
  private loadedGrants: readonly MemoryGrant[] | null = null;
  /** Solutions by grants array (the port replaces the array when a map changes). */
  private readonly solutions = new WeakMap<readonly MemoryGrant[], Pmsav7Solution | Error>();

  constructor(private readonly port: ArmV8mPort) {
    this.mpu.write(MPU_CTRL, MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
  }

  load(ctx: ContextId): AccessCheck {
    const grants = this.port.grants(ctx);
    if (grants !== this.loadedGrants) this.program(ctx, grants);
    return (address, size, kind) => this.check(address, size, kind);
  }

  private program(ctx: ContextId, grants: readonly MemoryGrant[]): void {
    for (let r = 0; r < this.mpu.regionCount; r++) this.mpu.setRegion(r, 0, 0);
    this.loadedGrants = grants;
    let solution = this.solutions.get(grants);
    if (solution === undefined) {
      try {
        solution = solvePmsav7(grantsToRequests(grants), {
          regionCount: this.mpu.regionCount,
          profile: 'armv6m',
          requireExact: true,
        });
      } catch (e) {
        solution = e instanceof Error ? e : new Error(String(e));
      }
      this.solutions.set(grants, solution);
    }
    if (solution instanceof Error) {
      // Fail closed: with every region disabled, each unprivileged access faults.
      this.unsolvable.set(ctx, solution);
      return;
    }
    applyPmsav7Solution(this.mpu, solution);
    this.unsolvable.delete(ctx);
  }

  private check(address: number, size: number, kind: AccessKind): boolean {
    const access = ACCESS_NAMES[kind as keyof typeof ACCESS_NAMES] ?? 'read';
    const result = this.mpu.check(address, size, access, false);
    if (result.allowed) return true;
    this.faultStatus = {
      ...faultStatusFor(result),
      dataAccess: kind === AccessKind.Write ? 'write' : 'read',
    };
    return false;
  }
}
