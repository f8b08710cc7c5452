// The IRQ exception path of the port, GICv3 with split priority drop and deactivation
// (ICC_CTLR_EL1.EOImode = 1). For every interrupt the CPU interface signals:
//   ICC_IAR1_EL1 (acknowledge) → the kernel entry → ICC_EOIR1_EL1 (priority drop, at once, so
//   other interrupts can preempt again) → ICC_DIR_EL1 (deactivate).
// The timer PPI is deactivated right after kernel.timerInterrupt(): its level follows CNTP_CVAL,
// which the kernel has re-armed by then. A kernel line (an SPI) stays active until the
// handler task's IRQHandler_Ack unmasks it: only then is it deactivated, so a device that still
// holds its level high interrupts again, and one that does not stays quiet (seL4's handling).
// Relies on gic/ (the CPU interface) and gic/state.ts (INTID ranges).

import type { GicCpuInterface } from '../gic/cpu-interface';
import { INTID_SPURIOUS, SPI_BASE, TimerPpi } from '../gic/state';

/** The kernel entries an IRQ reaches (a `@k5/kernel` Kernel has both, see CONTRACT.md). */
export interface InterruptEntries {
  /** Interrupt line `irq` fired. */
  interrupt(irq: number): void;
  /** The port's timer fired: handle every due deadline. */
  timerInterrupt(): void;
}

/** One interrupt taken by `Aarch64Port.takeInterrupts`. */
export type TakenInterrupt =
  | { readonly kind: 'timer'; readonly intid: number }
  | { readonly kind: 'line'; readonly intid: number; readonly line: number }
  /** An SGI or PPI the kernel has no entry for: dropped and deactivated. */
  | { readonly kind: 'other'; readonly intid: number };

/**
 * Takes interrupts while the CPU interface signals one (at most `limit`, so a level that the
 * kernel cannot clear does not loop forever). SPIs the kernel was given are added to
 * `awaitingAck`; deactivate them with `deactivateLine` when the line is unmasked.
 */
export function takeInterrupts(
  cpu: GicCpuInterface,
  lineCount: number,
  kernel: InterruptEntries,
  awaitingAck: Set<number>,
  limit: number,
): TakenInterrupt[] {
  const taken: TakenInterrupt[] = [];
  while (taken.length < limit && cpu.irqPending) {
    const intid = cpu.readIar1();
    if (intid === INTID_SPURIOUS) break;
    if (intid === TimerPpi.NonSecurePhysical) {
      kernel.timerInterrupt();
      cpu.writeEoir1(intid);
      cpu.writeDir(intid);
      taken.push({ kind: 'timer', intid });
    } else if (intid >= SPI_BASE && intid < SPI_BASE + lineCount) {
      const line = intid - SPI_BASE;
      awaitingAck.add(intid);
      kernel.interrupt(line);
      cpu.writeEoir1(intid);
      taken.push({ kind: 'line', intid, line });
    } else {
      cpu.writeEoir1(intid);
      cpu.writeDir(intid);
      taken.push({ kind: 'other', intid });
    }
  }
  return taken;
}

/** Deactivates an SPI the kernel handled (ICC_DIR_EL1), if it is still waiting for the ack. */
export function deactivateLine(
  cpu: GicCpuInterface,
  awaitingAck: Set<number>,
  intid: number,
): void {
  if (!awaitingAck.delete(intid)) return;
  cpu.writeDir(intid);
}
