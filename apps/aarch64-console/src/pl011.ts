// A PL011-like UART (the UART of QEMU `virt` and the Raspberry Pi), transmit side, at register
// level: DR, RSR/ECR, FR, IBRD, FBRD, LCR_H, CR, IMSC, RIS, MIS, ICR and the ID registers.
// A byte written to DR while UARTEN and TXE are set goes out on the line at once (this model
// has no baud-rate timing, so the TX FIFO never fills and FR.TXFE/TXFF read 1/0); the host
// receives it through `onTransmit`. Writes while disabled are dropped and counted, as the
// hardware would lose them. Receive is not modelled: RXFE reads 1. Relies on nothing.

/** Register offsets from the UART base. */
export const Pl011 = {
  DR: 0x000,
  RSR: 0x004,
  FR: 0x018,
  IBRD: 0x024,
  FBRD: 0x028,
  LCR_H: 0x02c,
  CR: 0x030,
  IMSC: 0x038,
  RIS: 0x03c,
  MIS: 0x040,
  ICR: 0x044,
  PERIPH_ID0: 0xfe0,
  CELL_ID0: 0xff0,
} as const;

/** UARTFR bits. */
export const FR = { BUSY: 1 << 3, RXFE: 1 << 4, TXFF: 1 << 5, RXFF: 1 << 6, TXFE: 1 << 7 } as const;
/** UARTCR bits. */
export const CR = { UARTEN: 1 << 0, TXE: 1 << 8, RXE: 1 << 9 } as const;
/** UARTLCR_H: FIFOs enabled, 8-bit words. */
export const LCR_H = { FEN: 1 << 4, WLEN_8: 3 << 5 } as const;
/** UARTRIS/MIS/IMSC/ICR: the transmit interrupt. */
export const TXIM = 1 << 5;

/** PrimeCell peripheral ID (PL011 r1p5) then PrimeCell ID, bytes at 0xFE0..0xFFC. */
const ID_BYTES = [0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1];
/** CR after reset: TXE and RXE set, UART disabled. */
const CR_RESET = CR.TXE | CR.RXE;

/** Counters of the UART. */
export interface Pl011Counters {
  /** Bytes sent on the line. */
  transmitted: number;
  /** Bytes written to DR while the UART or its transmitter was disabled. */
  dropped: number;
  /** Register accesses. */
  reads: number;
  writes: number;
}

/** The UART model. Offsets are from its base; accesses are 32-bit registers. */
export class Pl011Uart {
  readonly counters: Pl011Counters = { transmitted: 0, dropped: 0, reads: 0, writes: 0 };
  private cr = CR_RESET;
  private lcrH = 0;
  private ibrd = 0;
  private fbrd = 0;
  private imsc = 0;

  /** @param onTransmit - receives every byte sent on the line */
  constructor(private readonly onTransmit: (byte: number) => void) {}

  /** Reads the register at `offset` (unknown offsets read 0, as reserved PL011 space does). */
  read(offset: number): number {
    this.counters.reads++;
    switch (offset) {
      case Pl011.FR:
        // The line is always free: the transmit FIFO is empty, receive FIFO empty.
        return FR.TXFE | FR.RXFE;
      case Pl011.IBRD:
        return this.ibrd;
      case Pl011.FBRD:
        return this.fbrd;
      case Pl011.LCR_H:
        return this.lcrH;
      case Pl011.CR:
        return this.cr;
      case Pl011.IMSC:
        return this.imsc;
      case Pl011.RIS:
        return TXIM; // the transmit FIFO is at or below its trigger level
      case Pl011.MIS:
        return TXIM & this.imsc;
      default:
        if (offset >= Pl011.PERIPH_ID0 && offset <= 0xffc && offset % 4 === 0)
          return ID_BYTES[(offset - Pl011.PERIPH_ID0) / 4]!;
        return 0;
    }
  }

  /** Writes the register at `offset` (read-only and unknown offsets ignore writes). */
  write(offset: number, value: number): void {
    this.counters.writes++;
    switch (offset) {
      case Pl011.DR:
        if ((this.cr & (CR.UARTEN | CR.TXE)) === (CR.UARTEN | CR.TXE)) {
          this.counters.transmitted++;
          this.onTransmit(value & 0xff);
        } else this.counters.dropped++;
        return;
      case Pl011.IBRD:
        this.ibrd = value & 0xffff;
        return;
      case Pl011.FBRD:
        this.fbrd = value & 0x3f;
        return;
      case Pl011.LCR_H:
        this.lcrH = value & 0xff;
        return;
      case Pl011.CR:
        this.cr = value & 0xff87;
        return;
      case Pl011.IMSC:
        this.imsc = value & 0x7ff;
        return;
      default:
        return;
    }
  }
}
