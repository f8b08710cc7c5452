// The platform-level interrupt controller (PLIC, RISC-V PLIC spec / SiFive layout): sources
// 1..N with priorities, a pending bit per source, per-context enables and priority
// thresholds, and the claim/complete protocol behind per-source gateways (a gateway forwards
// one request and then waits for completion; level sources re-request on completion while
// their line is still high, edge sources remember one edge). Each context drives one
// interrupt line of a target (MEIP of a hart's M mode). Relies on `clint.ts` for the
// interrupt-target interface.

import type { InterruptTarget } from './clint';
import { RiscvError } from './errors';
import type { MmioDevice } from './hart/memory';
import { InterruptCause } from './trap';

/** Offset of source 0's priority register (4 bytes per source). */
export const PLIC_PRIORITY = 0x00_0000;
/** Offset of the pending bit array (32 sources per word). */
export const PLIC_PENDING = 0x00_1000;
/** Offset of context 0's enable bit array. */
export const PLIC_ENABLE = 0x00_2000;
/** Stride between contexts' enable arrays. */
export const PLIC_ENABLE_STRIDE = 0x80;
/** Offset of context 0's priority threshold. */
export const PLIC_THRESHOLD = 0x20_0000;
/** Offset of context 0's claim/complete register. */
export const PLIC_CLAIM = 0x20_0004;
/** Stride between contexts' threshold/claim blocks. */
export const PLIC_CONTEXT_STRIDE = 0x1000;
/** Size of the PLIC's address window. */
export const PLIC_SIZE = 0x400_0000;
/** The conventional PLIC base address (QEMU virt, SiFive parts). */
export const PLIC_DEFAULT_BASE = 0x0c00_0000;

/** One PLIC context: an interrupt line of a target. */
export interface PlicContext {
  /** Who receives the line. */
  readonly target: InterruptTarget;
  /** Which line (default: machine external). */
  readonly cause?: InterruptCause;
}

/** Options of a {@link Plic}. */
export interface PlicOptions {
  /** Number of sources; ids are 1..sources (at most 1023). */
  sources: number;
  /** The contexts, in context-number order. */
  contexts: readonly PlicContext[];
  /** Implemented priority bits (default 3: priorities 0..7). */
  priorityBits?: number;
  /** Sources whose gateway is edge-triggered (the rest are level-triggered). */
  edgeTriggered?: readonly number[];
}

/** The PLIC device. */
export class Plic implements MmioDevice {
  /** Number of sources (ids 1..sources). */
  readonly sources: number;
  private readonly contexts: readonly PlicContext[];
  private readonly maxPriority: number;
  private readonly priority: Uint32Array;
  private readonly pending: Uint8Array;
  private readonly inFlight: Uint8Array;
  private readonly level: Uint8Array;
  private readonly edge: Uint8Array;
  private readonly queuedEdge: Uint8Array;
  private readonly enable: Uint8Array;
  private readonly threshold: Uint32Array;
  private readonly words: number;

  /** @param options - sources, contexts, priority width, edge-triggered sources */
  constructor(options: PlicOptions) {
    const { sources, contexts } = options;
    if (!Number.isInteger(sources) || sources < 1 || sources > 1023) {
      throw new RiscvError('invalid-argument', `PLIC sources must be 1..1023, got ${sources}`);
    }
    if (contexts.length < 1 || contexts.length > 15872) {
      throw new RiscvError('invalid-argument', 'a PLIC has 1..15872 contexts');
    }
    const bits = options.priorityBits ?? 3;
    if (!Number.isInteger(bits) || bits < 1 || bits > 32) {
      throw new RiscvError('invalid-argument', `priorityBits must be 1..32, got ${bits}`);
    }
    this.sources = sources;
    this.contexts = contexts;
    this.maxPriority = bits === 32 ? 0xffff_ffff : 2 ** bits - 1;
    this.priority = new Uint32Array(sources + 1);
    this.pending = new Uint8Array(sources + 1);
    this.inFlight = new Uint8Array(sources + 1);
    this.level = new Uint8Array(sources + 1);
    this.edge = new Uint8Array(sources + 1);
    this.queuedEdge = new Uint8Array(sources + 1);
    this.enable = new Uint8Array(contexts.length * (sources + 1));
    this.threshold = new Uint32Array(contexts.length);
    this.words = Math.ceil((sources + 1) / 32);
    for (const s of options.edgeTriggered ?? []) {
      this.checkSource(s);
      this.edge[s] = 1;
    }
    this.updateLines();
  }

  // ---- Device side ----

  /**
   * Drives source `id`'s interrupt line. A level gateway forwards a request while the line
   * is high and none is pending or in service; an edge gateway forwards on a rising edge.
   */
  setLine(id: number, high: boolean): void {
    this.checkSource(id);
    const was = this.level[id] === 1;
    this.level[id] = high ? 1 : 0;
    if (this.edge[id]) {
      if (high && !was) this.request(id);
    } else if (high) this.request(id);
    this.updateLines();
  }

  /** A rising then falling edge on an edge-triggered source (or a short level pulse). */
  pulse(id: number): void {
    this.setLine(id, true);
    this.setLine(id, false);
  }

  private request(id: number): void {
    if (this.pending[id] || this.inFlight[id]) {
      // A level source re-requests on completion anyway; an edge source remembers one edge.
      if (this.edge[id]) this.queuedEdge[id] = 1;
      return;
    }
    this.pending[id] = 1;
  }

  // ---- Hart side ----

  /** True when source `id`'s pending bit is set. */
  isPending(id: number): boolean {
    this.checkSource(id);
    return this.pending[id] === 1;
  }

  /**
   * Claims for `context`: the pending, enabled source with the highest priority above the
   * context's threshold (lowest id on ties); clears its pending bit and marks it in service.
   * Returns 0 when there is none.
   */
  claim(context: number): number {
    this.checkContext(context);
    const id = this.best(context);
    if (id !== 0) {
      this.pending[id] = 0;
      this.inFlight[id] = 1;
      this.updateLines();
    }
    return id;
  }

  /**
   * Completes source `id` for `context`. Ignored when the source is not enabled for that
   * context or not in service. The gateway may then forward the next request.
   */
  complete(context: number, id: number): void {
    this.checkContext(context);
    if (!Number.isInteger(id) || id < 1 || id > this.sources) return;
    if (!this.enable[context * (this.sources + 1) + id] || !this.inFlight[id]) return;
    this.inFlight[id] = 0;
    if (this.edge[id] ? this.queuedEdge[id] : this.level[id]) {
      this.queuedEdge[id] = 0;
      this.pending[id] = 1;
    }
    this.updateLines();
  }

  private best(context: number): number {
    const base = context * (this.sources + 1);
    let bestId = 0;
    let bestPriority = this.threshold[context]!;
    for (let id = 1; id <= this.sources; id++) {
      const p = this.priority[id]!;
      if (this.pending[id] && this.enable[base + id] && p > bestPriority) {
        bestId = id;
        bestPriority = p;
      }
    }
    return bestId;
  }

  private updateLines(): void {
    for (let c = 0; c < this.contexts.length; c++) {
      const ctx = this.contexts[c]!;
      ctx.target.setInterruptLine(ctx.cause ?? InterruptCause.MachineExternal, this.best(c) !== 0);
    }
  }

  // ---- Registers ----

  /** {@inheritDoc MmioDevice.read} */
  read(offset: number, size: 1 | 2 | 4): number | undefined {
    if (size !== 4 || offset & 3) return undefined;
    const n = this.sources;
    if (offset < PLIC_PENDING) {
      const id = offset >>> 2;
      return id >= 1 && id <= n ? this.priority[id]! : 0;
    }
    if (offset < PLIC_ENABLE) {
      const word = (offset - PLIC_PENDING) >>> 2;
      return word < this.words ? this.packBits(this.pending, 0, word) : 0;
    }
    if (offset < PLIC_THRESHOLD) {
      const rel = offset - PLIC_ENABLE;
      const context = Math.floor(rel / PLIC_ENABLE_STRIDE);
      const word = (rel % PLIC_ENABLE_STRIDE) >>> 2;
      if (context >= this.contexts.length || word >= this.words) return 0;
      return this.packBits(this.enable, context * (n + 1), word);
    }
    const rel = offset - PLIC_THRESHOLD;
    const context = Math.floor(rel / PLIC_CONTEXT_STRIDE);
    const reg = rel % PLIC_CONTEXT_STRIDE;
    if (context >= this.contexts.length) return 0;
    if (reg === 0) return this.threshold[context]!;
    if (reg === 4) return this.claim(context);
    return 0;
  }

  /** {@inheritDoc MmioDevice.write} */
  write(offset: number, size: 1 | 2 | 4, value: number): boolean {
    if (size !== 4 || offset & 3) return false;
    const n = this.sources;
    const v = value >>> 0;
    if (offset < PLIC_PENDING) {
      const id = offset >>> 2;
      if (id >= 1 && id <= n) this.priority[id] = Math.min(v, this.maxPriority);
    } else if (offset < PLIC_ENABLE) {
      // Pending bits are read-only here.
    } else if (offset < PLIC_THRESHOLD) {
      const rel = offset - PLIC_ENABLE;
      const context = Math.floor(rel / PLIC_ENABLE_STRIDE);
      const word = (rel % PLIC_ENABLE_STRIDE) >>> 2;
      if (context < this.contexts.length && word < this.words) {
        const base = context * (n + 1);
        for (let b = 0; b < 32; b++) {
          const id = word * 32 + b;
          // Source 0 does not exist: its enable bit is hardwired to zero.
          if (id >= 1 && id <= n) this.enable[base + id] = (v >>> b) & 1;
        }
      }
    } else {
      const rel = offset - PLIC_THRESHOLD;
      const context = Math.floor(rel / PLIC_CONTEXT_STRIDE);
      const reg = rel % PLIC_CONTEXT_STRIDE;
      if (context < this.contexts.length) {
        if (reg === 0) this.threshold[context] = Math.min(v, this.maxPriority);
        else if (reg === 4) this.complete(context, v);
      }
    }
    this.updateLines();
    return true;
  }

  private packBits(bits: Uint8Array, base: number, word: number): number {
    let out = 0;
    for (let b = 0; b < 32; b++) {
      const id = word * 32 + b;
      if (id >= 1 && id <= this.sources && bits[base + id]) out |= 1 << b;
    }
    return out >>> 0;
  }

  private checkSource(id: number): void {
    if (!Number.isInteger(id) || id < 1 || id > this.sources) {
      throw new RiscvError('invalid-argument', `PLIC source must be 1..${this.sources}, got ${id}`);
    }
  }

  private checkContext(context: number): void {
    if (!Number.isInteger(context) || context < 0 || context >= this.contexts.length) {
      throw new RiscvError(
        'invalid-argument',
        `PLIC context must be 0..${this.contexts.length - 1}, got ${context}`,
      );
    }
  }
}
