// The Armv8-M default system memory map as far as protection is concerned: which 512 MiB areas are
// execute-never, where the Private Peripheral Bus is, and the access kinds every checker speaks.
// Relies on nothing; used by the PMSAv8 and PMSAv7 checkers and by the solvers.

/** The kind of a memory access: data read, data write, or instruction fetch. */
export type MemoryAccess = 'read' | 'write' | 'execute';

/** First byte of the Private Peripheral Bus (SCS, NVIC, SysTick, MPU, debug). */
export const PPB_BASE = 0xe0000000;
/** Last byte of the Private Peripheral Bus (inclusive). */
export const PPB_LIMIT = 0xe00fffff;
/** First byte of the System space, which is always execute-never. */
export const SYSTEM_SPACE_BASE = 0xe0000000;

/** The default memory map's areas (Armv8-M ARM, "The system address map"). */
export type DefaultMemoryArea =
  | 'code'
  | 'sram'
  | 'peripheral'
  | 'ram'
  | 'device'
  | 'ppb'
  | 'vendor-system';

/** The default memory map area of an address. */
export function defaultMemoryArea(address: number): DefaultMemoryArea {
  const a = address >>> 0;
  if (a < 0x20000000) return 'code';
  if (a < 0x40000000) return 'sram';
  if (a < 0x60000000) return 'peripheral';
  if (a < 0xa0000000) return 'ram';
  if (a < 0xe0000000) return 'device';
  if (a <= PPB_LIMIT) return 'ppb';
  return 'vendor-system';
}

/**
 * Whether the default memory map makes an address execute-never: the Peripheral
 * (0x40000000-0x5fffffff), Device (0xa0000000-0xdfffffff) and System (0xe0000000-0xffffffff) areas.
 */
export function isDefaultExecuteNever(address: number): boolean {
  const a = address >>> 0;
  return (a >= 0x40000000 && a < 0x60000000) || a >= 0xa0000000;
}

/** Whether an address is on the Private Peripheral Bus, where the MPU is never consulted. */
export function isPrivatePeripheralBus(address: number): boolean {
  const a = address >>> 0;
  return a >= PPB_BASE && a <= PPB_LIMIT;
}

const BOUNDARIES: readonly number[] = [
  0x20000000,
  0x40000000,
  0x60000000,
  0xa0000000,
  0xe0000000,
  PPB_LIMIT + 1,
];

/**
 * The first address after `address` at which the default map's answers (area, XN, PPB) may change,
 * or 2^32 when none does. Checkers walk an access in such constant pieces.
 */
export function nextDefaultMapBoundary(address: number): number {
  const a = address >>> 0;
  for (const b of BOUNDARIES) if (b > a) return b;
  return 0x100000000;
}
