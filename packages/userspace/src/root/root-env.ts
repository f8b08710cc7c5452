// The root task's view of what the kernel handed it at boot: free slots of its CNode to fill
// and one untyped block to retype objects from. Every system that boots from a root task needs
// exactly this bookkeeping, so it lives here once. Relies on invoke.ts and @k5/abi.

import type { BootInfo } from '@k5/abi';
import { untypedRetype } from '../invoke';
import type { Sys, TaskStep } from '../sys';
import { expectOk, RootTaskError } from './errors';

/** Options of {@link RootEnv}. @public */
export interface RootEnvOptions {
  /** Smallest untyped block (log2 bytes) to retype from; the first big enough is used (default 14). */
  readonly minUntypedBits?: number;
}

/** Slot and untyped bookkeeping of a root task. @public */
export class RootEnv {
  readonly sys: Sys;
  readonly boot: BootInfo;
  /** CPtr of the untyped block objects are retyped from. */
  readonly untyped: number;
  private nextSlot: number;

  constructor(sys: Sys, boot: BootInfo, options: RootEnvOptions = {}) {
    this.sys = sys;
    this.boot = boot;
    this.nextSlot = boot.emptySlots[0];
    const bits = options.minUntypedBits ?? 14;
    const block = boot.untyped.find((u) => u.sizeBits >= bits);
    if (!block) {
      throw new RootTaskError(
        'finding untyped memory',
        0,
        `no untyped block of at least 2^${bits} bytes among ${boot.untyped.length}`,
      );
    }
    this.untyped = block.cptr;
  }

  /** Slots of the root CNode not yet handed out. */
  get freeSlots(): number {
    return this.boot.emptySlots[1] - this.nextSlot;
  }

  /** Reserves `count` consecutive empty root slots and returns the first. */
  allocSlots(count = 1): number {
    if (count > this.freeSlots) {
      throw new RootTaskError(
        `reserving ${count} root slots`,
        0,
        `only ${this.freeSlots} empty slots are left`,
      );
    }
    const at = this.nextSlot;
    this.nextSlot += count;
    return at;
  }

  /** Retypes `count` objects of `type` into fresh root slots; returns the first slot. */
  *retype(type: number, sizeBits: number, count = 1): TaskStep {
    const at = this.allocSlots(count);
    const code = yield* untypedRetype(
      this.sys,
      this.untyped,
      type,
      sizeBits,
      this.boot.caps.rootCNode,
      0,
      0,
      at,
      count,
    );
    expectOk(`retyping ${count} object(s) of type ${type}`, code);
    return at;
  }
}
