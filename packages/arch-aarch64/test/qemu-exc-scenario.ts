// The scenario shared by the QEMU exception fixture and its test: the tables (an identity block
// for the EL1 program, an EL0 alias of the test snippets, a read-only data page) and, for each
// test snippet, the register value it uses and what it does, so the test can predict ESR_EL1,
// FAR_EL1, ELR_EL1, SPSR_EL1 and the vector with this package's encoders.
import {
  AccessPermission,
  DEFAULT_TCR,
  encodeMair,
  FramePool,
  PageTableBuilder,
  SparseMemory,
  type TcrFields,
} from '../src/index';

/** Table frames in QEMU virt RAM. */
export const TABLE_POOL = 0x4100_0000;
/** PA of the EL0 snippets (the linker puts `.el0` there). */
export const EL0_PA = 0x4020_0000;
/** VA of the EL0 alias of the snippets (EL0 read-only, executable). */
export const EL0_VA = 0x10_0000;
/** An EL0 read-only, execute-never data page. */
export const RO_VA = 0x11_0000;
/** An unmapped VA in the same level-3 table: translation fault at level 3. */
export const UNMAPPED_VA = 0x12_0000;
/** TCR_EL1 (40-bit PA, the Cortex-A53's). */
export const TCR: TcrFields = { ...DEFAULT_TCR, ips: 2 };
/** MAIR_EL1: Attr0 Normal WB. */
export const MAIR = encodeMair([0xff]);

/** The snippets, 16 bytes apart from EL0_VA, and x1 for each (test 9 runs at EL1). */
export const TESTS = [
  { name: 'cmp x0, x0; svc #0x1234', x1: 0 },
  { name: 'ldr w2, [x1] (unmapped)', x1: UNMAPPED_VA + 0x10 },
  { name: 'str x3, [x1] (read-only)', x1: RO_VA + 8 },
  { name: 'ldrsh x4, [x1] (unmapped)', x1: UNMAPPED_VA + 2 },
  { name: 'brk #0x3e8', x1: 0 },
  { name: 'udf (0x00000000)', x1: 0 },
  { name: 'br x1 (to an execute-never page)', x1: RO_VA },
  { name: 'ldp x0, x2, [x1] (unmapped)', x1: UNMAPPED_VA },
  { name: 'br x1 (misaligned target)', x1: EL0_VA + 2 },
  { name: 'EL1: ldr x5, [x6] (unmapped)', x1: 0 },
] as const;

/** Builds the tables. */
export function buildExceptionScenario() {
  const memory = new SparseMemory();
  const pool = new FramePool(TABLE_POOL, 16);
  const b = new PageTableBuilder(memory, pool, { tcr: TCR });
  b.map({
    va: 0x4000_0000,
    pa: 0x4000_0000,
    size: 2 ** 30,
    ap: AccessPermission.PrivReadWrite,
    uxn: true,
    pxn: false,
    attrIndx: 0,
  });
  b.map({
    va: EL0_VA,
    pa: EL0_PA,
    size: 0x1000,
    ap: AccessPermission.ReadOnly,
    uxn: false,
    pxn: true,
    attrIndx: 0,
  });
  b.map({
    va: RO_VA,
    pa: EL0_PA + 0x1_0000,
    size: 0x1000,
    ap: AccessPermission.ReadOnly,
    uxn: true,
    pxn: true,
    attrIndx: 0,
  });
  return { memory, root: b.root, framesUsed: 16 - pool.available };
}
