// Building an enclave from the root task: retype the Enclave object, copy the image into a
// fresh region the root maps for the copy, Enclave_Load it with its entries (the kernel measures
// it), then spawn threads into it with Enclave_AddThread. The sequence every K5 system with an
// enclave runs, on any port. Relies on root-env.ts, spawn.ts and enclave.ts of the package.

import { MIN_REGION_BITS, ObjectType, Rights } from '@k5/abi';
import { enclaveAddThread, enclaveLoad } from '../enclave';
import { regionGetInfo, regionMap, regionUnmap, tcbResume } from '../invoke';
import { expectOk } from './errors';
import type { RootEnv } from './root-env';
import { type Child, type ChildPlan, spawn } from './spawn';

/** What {@link loadEnclave} builds. @public */
export interface EnclavePlan {
  /** A name for error messages. */
  readonly name?: string;
  /** log2 of the enclave's memory in bytes. */
  readonly sizeBits: number;
  /** The image, copied to the enclave's base (machine code, or `hostEnclaveImage(...)`). */
  readonly image: Uint8Array;
  /** Bytes of stack its threads use (measured; image + stack must fit). */
  readonly stackSize: number;
  /** Entry offsets from the enclave's base, entry 0 first. */
  readonly entryOffsets: readonly number[];
}

/** Root CPtrs of a loaded enclave. @public */
export interface LoadedEnclave {
  /** The Enclave object. */
  readonly enclave: number;
  /** The region the image was copied from (unmapped again; reuse or delete it). */
  readonly imageRegion: number;
}

/** Retypes an enclave, copies `plan.image` in through a fresh region and loads it. @public */
export function* loadEnclave(
  env: RootEnv,
  plan: EnclavePlan,
): Generator<number, LoadedEnclave, void> {
  const { sys, boot } = env;
  const who = plan.name ? ` for ${plan.name}` : '';
  const enclave = yield* env.retype(ObjectType.Enclave, plan.sizeBits);
  const bits = Math.max(MIN_REGION_BITS, Math.ceil(Math.log2(Math.max(1, plan.image.length))));
  const imageRegion = yield* env.retype(ObjectType.Region, bits);
  expectOk(`reading the image region${who}`, yield* regionGetInfo(sys, imageRegion));
  const base = sys.getMR(0);
  expectOk(
    `mapping the image region${who}`,
    yield* regionMap(sys, imageRegion, boot.caps.rootTcb, Rights.ReadWrite),
  );
  for (let i = 0; i < plan.image.length; i++) sys.ctx.write8(base + i, plan.image[i]!);
  expectOk(`unmapping the image region${who}`, yield* regionUnmap(sys, imageRegion));
  expectOk(
    `loading the enclave${who}`,
    yield* enclaveLoad(sys, enclave, imageRegion, {
      imageLength: plan.image.length,
      stackSize: plan.stackSize,
      entryOffsets: plan.entryOffsets,
    }),
  );
  return { enclave, imageRegion };
}

/** A thread {@link spawnEnclaveThread} builds: a child plan and where it starts inside. @public */
export interface EnclaveThreadPlan extends Omit<ChildPlan, 'entry' | 'registers' | 'beforeStart'> {
  /** The entry it starts at. */
  readonly entryIndex: number;
  /** Its stack pointer and IPC buffer, as offsets from the enclave's base. */
  readonly stackOffset: number;
  readonly ipcBufferOffset: number;
}

/**
 * Spawns a child (as {@link spawn} does, not started) and makes it a thread of `enclave`
 * (Enclave_AddThread), then resumes it when `plan.start`.
 * @public
 */
export function* spawnEnclaveThread(
  env: RootEnv,
  enclave: number,
  plan: EnclaveThreadPlan,
): Generator<number, Child, void> {
  const who = plan.name ? ` for ${plan.name}` : '';
  const child = yield* spawn(env, { ...plan, start: false });
  expectOk(
    `adding the thread to its enclave${who}`,
    yield* enclaveAddThread(env.sys, enclave, child.tcb, {
      entryIndex: plan.entryIndex,
      stackOffset: plan.stackOffset,
      ipcBufferOffset: plan.ipcBufferOffset,
    }),
  );
  if (plan.start) expectOk(`resuming${who}`, yield* tcbResume(env.sys, child.tcb));
  return child;
}
