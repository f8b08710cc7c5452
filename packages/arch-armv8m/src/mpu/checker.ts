// The PMSAv8 access checker: given the MPU's registers, answers whether one access (address, size,
// read/write/execute, privileged or not) is allowed, or which fault it raises and why, following the
// Armv8-M MPU lookup (MPUCheck): PPB accesses bypass the MPU, a disabled MPU (or negative execution
// priority without HFNMIENA) uses the default map, two enabled regions hitting an address fault,
// privileged misses use the background map only with PRIVDEFENA. An access is split where the
// answer may change (region edges, default-map areas), so accesses straddling a boundary are judged
// byte-exactly and the first faulting byte is reported.

import { MpuRegisterError } from '../errors';
import {
  isDefaultExecuteNever,
  isPrivatePeripheralBus,
  type MemoryAccess,
  nextDefaultMapBoundary,
  SYSTEM_SPACE_BASE,
} from './memory-map';

/** What a PMSAv8 checker reads from an MPU; `Pmsav8Mpu` provides it. */
export interface Pmsav8State {
  /** Number of implemented regions. */
  readonly regionCount: number;
  /** Whether MPU_RLAR.PXN is implemented (v8.1-M). */
  readonly hasPxn: boolean;
  /** MPU_CTRL. */
  readonly ctrl: number;
  /** MPU_RBAR of region `n` (0 \<= n \< regionCount; not range-checked, for speed). */
  rbarOf(n: number): number;
  /** MPU_RLAR of region `n` (0 \<= n \< regionCount; not range-checked, for speed). */
  rlarOf(n: number): number;
  /** MAIR byte for an AttrIndx. */
  attribute(attrIndx: number): number;
}

/** Options of a check that depend on the executing context rather than on the MPU. */
export interface MpuCheckOptions {
  /**
   * The execution priority is negative (HardFault, NMI, or FAULTMASK set): the MPU is then bypassed
   * unless MPU_CTRL.HFNMIENA is set. Defaults to false.
   */
  readonly negativePriority?: boolean;
}

/**
 * Why an access faults.
 *
 * - `background`: no enabled region matches and the background map does not apply (unprivileged,
 *   or PRIVDEFENA clear).
 * - `overlap`: two or more enabled PMSAv8 regions match (always a fault on PMSAv8).
 * - `permission`: the region's AP forbids the access at this privilege (or forbids writing).
 * - `execute-never`: the region has XN set (PMSAv8 or PMSAv7).
 * - `privileged-execute-never`: the region has PXN set and the fetch is privileged (v8.1-M).
 * - `default-map-execute-never`: fetch from an area the default map makes XN (Peripheral, Device,
 *   System space; System space stays XN even inside an MPU region).
 * - `device-execute`: fetch from a region whose MAIR attribute is Device. The architecture calls it
 *   UNPREDICTABLE; the Cortex-M33 raises a MemManage fault, and so does this model.
 * - `ppb-unprivileged`: unprivileged data access to the Private Peripheral Bus (a BusFault raised
 *   by the system, not by the MPU; modelled here so that a task cannot reach the SCS).
 */
export type MpuFaultReason =
  | 'background'
  | 'overlap'
  | 'permission'
  | 'execute-never'
  | 'privileged-execute-never'
  | 'default-map-execute-never'
  | 'device-execute'
  | 'ppb-unprivileged';

/** The answer for an allowed access. */
export interface MpuAllowed {
  /** Always true. */
  readonly allowed: true;
}

/** The answer for a faulting access. */
export interface MpuFault {
  /** Always false. */
  readonly allowed: false;
  /** The exception the access raises. */
  readonly fault: 'MemManage' | 'BusFault';
  /** Why. */
  readonly reason: MpuFaultReason;
  /** The first byte of the access that faults (what MMFAR or BFAR would hold). */
  readonly address: number;
  /** The access kind, for MMFSR.IACCVIOL (execute) versus DACCVIOL (read, write). */
  readonly access: MemoryAccess;
  /** The region that decided, when one did. */
  readonly region?: number;
}

/** The checker's answer. */
export type MpuCheckResult = MpuAllowed | MpuFault;

/** The shared answer for every allowed access (checks allocate only when they fault). */
export const MPU_ALLOWED: MpuAllowed = Object.freeze({ allowed: true });

/**
 * Validates an access range and returns its exclusive end; throws {@link MpuRegisterError} for an
 * access outside the 32-bit address space (the architecture calls wrapping UNPREDICTABLE).
 */
export function accessEnd(address: number, size: number): number {
  if (!Number.isInteger(address) || address < 0 || address > 0xffffffff) {
    throw new MpuRegisterError('bad-access', `address ${address} is not a 32-bit address`);
  }
  if (!Number.isInteger(size) || size < 1 || address + size > 0x100000000) {
    throw new MpuRegisterError(
      'bad-access',
      `access of ${size} bytes at 0x${address.toString(16)} must be at least 1 byte and stay below 2^32`,
    );
  }
  return address + size;
}

function fault(
  reason: MpuFaultReason,
  address: number,
  access: MemoryAccess,
  region?: number,
): MpuFault {
  return region === undefined
    ? { allowed: false, fault: 'MemManage', reason, address, access }
    : { allowed: false, fault: 'MemManage', reason, address, access, region };
}

/**
 * Checks one access against a PMSAv8 MPU bank, exactly as the Armv8-M MPU lookup does.
 * Every byte of `[address, address + size)` must be allowed; the first byte that is not is reported.
 * Execute access requires read permission by AP at the current privilege as well as XN = 0.
 */
export function checkPmsav8(
  mpu: Pmsav8State,
  address: number,
  size: number,
  access: MemoryAccess,
  privileged: boolean,
  options?: MpuCheckOptions,
): MpuCheckResult {
  const end = accessEnd(address, size);
  const ctrl = mpu.ctrl;
  const active = (ctrl & 1) !== 0 && !(options?.negativePriority === true && (ctrl & 2) === 0);
  const privDefault = privileged && (ctrl & 4) !== 0;
  const n = mpu.regionCount;
  const execute = access === 'execute';
  let a = address;
  while (a < end) {
    let next = nextDefaultMapBoundary(a);
    if (isPrivatePeripheralBus(a)) {
      // The MPU is not consulted for the PPB; the System space is XN and the SCS is privileged.
      if (execute) return fault('default-map-execute-never', a, access);
      if (!privileged) {
        return {
          allowed: false,
          fault: 'BusFault',
          reason: 'ppb-unprivileged',
          address: a,
          access,
        };
      }
    } else if (!active) {
      if (execute && isDefaultExecuteNever(a)) return fault('default-map-execute-never', a, access);
    } else {
      let matched = -1;
      let matches = 0;
      let rbar = 0;
      let rlar = 0;
      for (let r = 0; r < n; r++) {
        const rl = mpu.rlarOf(r);
        if ((rl & 1) === 0) continue;
        const rb = mpu.rbarOf(r);
        const base = (rb & 0xffffffe0) >>> 0;
        const limit = ((rl & 0xffffffe0) | 0x1f) >>> 0;
        if (a >= base && a <= limit) {
          matches++;
          if (matched < 0) {
            matched = r;
            rbar = rb;
            rlar = rl;
          }
          if (limit + 1 < next) next = limit + 1;
        } else if (base > a && base < next) {
          next = base;
        }
      }
      if (matches > 1) return fault('overlap', a, access);
      if (matches === 1) {
        const ap = (rbar >>> 1) & 3;
        if (!privileged && (ap & 1) === 0) return fault('permission', a, access, matched);
        if (access === 'write' && (ap & 2) !== 0) return fault('permission', a, access, matched);
        if (execute) {
          if ((rbar & 1) !== 0) return fault('execute-never', a, access, matched);
          if (a >= SYSTEM_SPACE_BASE) return fault('default-map-execute-never', a, access, matched);
          if (privileged && mpu.hasPxn && (rlar & 0x10) !== 0) {
            return fault('privileged-execute-never', a, access, matched);
          }
          if (mpu.attribute((rlar >>> 1) & 7) >>> 4 === 0) {
            return fault('device-execute', a, access, matched);
          }
        }
      } else if (privDefault) {
        if (execute && isDefaultExecuteNever(a))
          return fault('default-map-execute-never', a, access);
      } else {
        return fault('background', a, access);
      }
    }
    a = next;
  }
  return MPU_ALLOWED;
}
