// The kernel's interrupt controller on RISC-V: kernel IRQ numbers are PLIC source ids (as in
// seL4's RISC-V port), masking clears the source's enable bit in the hart's M-mode PLIC context
// and unmasking sets it, through the PLIC's own enable registers so the model's rules apply.
// A claimed source is completed only when it is unmasked again (the handler task's Ack), after
// the driver has quietened the device: completing at once would let a level source's gateway
// latch a second request while the line is still high. Relies on the PLIC model and
// `@k5/kernel`'s InterruptController contract.

import type { InterruptController } from '@k5/kernel';
import { RiscvError } from '../errors';
import { PLIC_ENABLE, PLIC_ENABLE_STRIDE, PLIC_PRIORITY, type Plic } from '../plic';

/**
 * `InterruptController` over one PLIC context. IRQ `n` is PLIC source `n` (1..sources); IRQ 0
 * does not exist on a PLIC, so `lineCount` is `sources + 1` and line 0 is never delivered.
 * Every source starts masked, with priority 1 so that unmasking alone lets it interrupt (the
 * context's threshold is 0).
 */
export class PlicInterruptController implements InterruptController {
  /** Interrupt lines, counting the nonexistent line 0. */
  readonly lineCount: number;
  /** Sources claimed and not yet completed. */
  private readonly inService = new Set<number>();

  /**
   * @param plic - the PLIC
   * @param context - the PLIC context of the hart's M mode (default 0)
   */
  constructor(
    readonly plic: Plic,
    readonly context = 0,
  ) {
    this.lineCount = plic.sources + 1;
    for (let id = 1; id <= plic.sources; id++) {
      plic.write(PLIC_PRIORITY + 4 * id, 4, 1);
      this.setEnabled(id, false);
    }
  }

  /** Masks `irq`: clears PLIC source `irq`'s enable bit. */
  mask(irq: number): void {
    this.setEnabled(this.source(irq), false);
  }

  /**
   * Unmasks `irq`: sets its enable bit, then completes its claim if it is in service (the PLIC
   * ignores a completion for a source not enabled in the context).
   */
  unmask(irq: number): void {
    const id = this.source(irq);
    this.setEnabled(id, true);
    if (this.inService.delete(id)) this.plic.complete(this.context, id);
  }

  /**
   * Claims the highest-priority pending source of this context (0 when none) and keeps it in
   * service until {@link PlicInterruptController.unmask}; the caller masks it meanwhile.
   */
  claim(): number {
    const id = this.plic.claim(this.context);
    if (id !== 0) this.inService.add(id);
    return id;
  }

  /** Whether `irq` was claimed and not yet completed. */
  isInService(irq: number): boolean {
    return this.inService.has(this.source(irq));
  }

  /** True when the source is enabled (unmasked) in this context. */
  isUnmasked(irq: number): boolean {
    const id = this.source(irq);
    const word = this.plic.read(this.enableOffset(id), 4) ?? 0;
    return ((word >>> (id % 32)) & 1) === 1;
  }

  private enableOffset(id: number): number {
    return PLIC_ENABLE + PLIC_ENABLE_STRIDE * this.context + 4 * Math.floor(id / 32);
  }

  private setEnabled(id: number, on: boolean): void {
    const offset = this.enableOffset(id);
    const word = this.plic.read(offset, 4) ?? 0;
    const bit = 1 << (id % 32);
    this.plic.write(offset, 4, on ? word | bit : word & ~bit);
  }

  private source(irq: number): number {
    if (!Number.isInteger(irq) || irq < 1 || irq > this.plic.sources) {
      throw new RiscvError(
        'invalid-argument',
        `IRQ ${irq} is not a PLIC source; sources are 1..${this.plic.sources}`,
      );
    }
    return irq;
  }
}
