// A TrustZone-M machine for the enclave scenarios: an STM32L5-like map with Non-secure flash and
// RAM for ordinary tasks, a key-holding enclave (Secure code, data and stack, two gateway entries
// in a Non-secure callable region) and a second enclave, the banked MPUs (MPU_S with the
// keystore's regions, MPU_NS with the task's), the kernel's Secure stack elsewhere in Secure RAM,
// and an IDAU in the style of Cortex-M33 SoCs: the 0x3000_0000 SRAM alias is Secure whatever the
// SAU says, the 0x1000_0000 code alias is Secure but may be made Non-secure callable (so the
// gateway can live there), the rest is left to the SAU.

import {
  applyPmsav8Solution,
  applySauPlan,
  enclaveRegionRequests,
  ExceptionNumber,
  type Idau,
  MPU_CTRL,
  MPU_CTRL_ENABLE,
  MPU_CTRL_PRIVDEFENA,
  Pmsav8Mpu,
  planSau,
  type RegionRequest,
  Sau,
  SecurityAttribute,
  solvePmsav8,
  type ThreadRegisters,
  TrustZoneCore,
  type TrustZoneEnclaveLayout,
  type TrustZoneLayout,
  writeGatewayImage,
  XPSR_T,
} from '../../src/index';

export const NS_FLASH = { base: 0x0804_0000, size: 0x4_0000 };
export const NS_RAM = { base: 0x2000_0000, size: 0x1_0000 };
export const KERNEL_STACK_TOP = 0x3003_0000;

const CODE = { read: true, write: false, execute: true };
const DATA = { read: true, write: true, execute: false };

export const KEYSTORE: TrustZoneEnclaveLayout = {
  name: 'keystore',
  memory: [
    { base: 0x1000_8000, size: 0x1000, permissions: CODE },
    { base: 0x3000_4000, size: 0x800, permissions: DATA }, // data and stack
  ],
  gateway: { base: 0x1000_ff00, size: 0x40 },
  entries: [0x1000_ff00, 0x1000_ff08],
};

/** A second enclave, which the keystore must not reach either. */
export const COUNTER: TrustZoneEnclaveLayout = {
  name: 'counter',
  memory: [
    { base: 0x1000_a000, size: 0x800, permissions: CODE },
    { base: 0x3000_6000, size: 0x400, permissions: DATA },
  ],
  gateway: { base: 0x1000_fe00, size: 0x20 },
  entries: [0x1000_fe00],
};

export const LAYOUT: TrustZoneLayout = {
  nonSecure: [NS_FLASH, NS_RAM],
  enclaves: [KEYSTORE, COUNTER],
};

/** The Secure kernel's own data, in no region of anyone. */
export const KERNEL_DATA = 0x3002_0000;

/** Every address of the enclave's own memory and gateway, as [base, size] ranges. */
export const ENCLAVE_RANGES = [...KEYSTORE.memory, KEYSTORE.gateway];

/** The IDAU: 0x3xxx_xxxx Secure, 0x1xxx_xxxx Secure but NSC-able, the rest left to the SAU. */
export const idau: Idau = (a) => {
  if (a >= 0x3000_0000 && a < 0x4000_0000) return SecurityAttribute.Secure;
  if (a >= 0x1000_0000 && a < 0x2000_0000) return SecurityAttribute.NonSecureCallable;
  return SecurityAttribute.NonSecure;
};

/** An MPU enabled with PRIVDEFENA (privileged code keeps the default map) holding `requests`. */
function mpuWith(requests: readonly RegionRequest[]): Pmsav8Mpu {
  const mpu = new Pmsav8Mpu({ regions: 8 });
  applyPmsav8Solution(mpu, solvePmsav8(requests, { regionCount: 8 }));
  mpu.write(MPU_CTRL, MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
  return mpu;
}

/** A core with its banked MPUs in reach, as the kernel has them. */
export interface Machine extends TrustZoneCore {
  readonly secureMpu: Pmsav8Mpu;
  readonly nonSecureMpu: Pmsav8Mpu;
}

/**
 * Boots the machine: SAU planned and enabled, gateways written, MPU_S holding the keystore's
 * regions (the enclave the kernel will run), MPU_NS the task's flash (RX) and RAM (RW), and the
 * kernel in Secure Handler mode.
 */
export function bootMachine(): Machine {
  const sau = new Sau({ regions: 8, idau });
  applySauPlan(sau, planSau(LAYOUT, 8));
  const secureMpu = mpuWith(enclaveRegionRequests(KEYSTORE));
  const nonSecureMpu = mpuWith([
    { ...NS_FLASH, read: true, write: false, execute: true },
    { ...NS_RAM, read: true, write: true, execute: false },
  ]);
  const core = Object.assign(
    new TrustZoneCore({ sau, mpu: { secure: secureMpu, nonSecure: nonSecureMpu } }),
    { secureMpu, nonSecureMpu },
  );
  for (const enclave of LAYOUT.enclaves) writeGatewayImage(core.memory, enclave);
  core.regs.msp = KERNEL_STACK_TOP;
  core.setBanked('non-secure', { msp: NS_RAM.base + NS_RAM.size });
  // The kernel runs in its SVCall handler (Secure, privileged) when it resumes threads.
  core.takeException(ExceptionNumber.SVCall, true);
  return core;
}

/** A thread context with the given r0-r12 (the rest plain). */
export function threadWith(r: readonly number[], sp: number, pc: number, lr = 0): ThreadRegisters {
  return { r, sp, lr, pc, xpsr: XPSR_T };
}

/** The enclave's stack top (in its Secure data). */
export const ENCLAVE_SP = 0x3000_4800;
/** The enclave's code entry behind the gateway. */
export const ENCLAVE_CODE = 0x1000_8100;
/** A Non-secure task's stack top. */
export const TASK_SP = NS_RAM.base + 0x800;
/** A Non-secure task's code. */
export const TASK_CODE = NS_FLASH.base + 0x200;
