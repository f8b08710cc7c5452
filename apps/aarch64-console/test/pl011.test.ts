import { PhysicalMemory } from '@k5/kernel';
import { describe, expect, it } from 'vitest';
import { attachMmio } from '../src/mmio';
import { CR, FR, Pl011, Pl011Uart } from '../src/pl011';

describe('PL011 model', () => {
  it('resets disabled with TXE|RXE, drops bytes until UARTEN and TXE, then sends them', () => {
    const out: number[] = [];
    const uart = new Pl011Uart((b) => out.push(b));
    expect(uart.read(Pl011.CR)).toBe(CR.TXE | CR.RXE);
    uart.write(Pl011.DR, 0x41);
    expect(uart.counters.dropped).toBe(1);
    uart.write(Pl011.CR, CR.UARTEN);
    uart.write(Pl011.DR, 0x42);
    uart.write(Pl011.CR, CR.UARTEN | CR.TXE);
    uart.write(Pl011.DR, 0x143); // only the data byte goes out
    expect(out).toEqual([0x43]);
    expect(uart.counters).toMatchObject({ transmitted: 1, dropped: 2 });
  });

  it('reports an empty transmit FIFO and the PrimeCell IDs', () => {
    const uart = new Pl011Uart(() => {});
    expect(uart.read(Pl011.FR) & (FR.TXFE | FR.TXFF | FR.RXFE)).toBe(FR.TXFE | FR.RXFE);
    const ids = Array.from({ length: 8 }, (_, i) => uart.read(Pl011.PERIPH_ID0 + 4 * i));
    expect(ids).toEqual([0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
    uart.write(Pl011.IBRD, 0x1_000d);
    uart.write(Pl011.FBRD, 0xff);
    expect([uart.read(Pl011.IBRD), uart.read(Pl011.FBRD)]).toEqual([0xd, 0x3f]);
  });
});

describe('the bus decoder', () => {
  it('sends accesses inside the window to the device and the rest to RAM', () => {
    const memory = new PhysicalMemory(0x1000, new Uint8Array(0x3000));
    const out: number[] = [];
    const uart = new Pl011Uart((b) => out.push(b));
    attachMmio(memory, 0x2000, 0x1000, uart);
    memory.write32(0x1ffc, 0xdead_beef);
    memory.write32(0x2000 + Pl011.CR, CR.UARTEN | CR.TXE);
    memory.write8(0x2000 + Pl011.DR, 0x4b);
    expect(out).toEqual([0x4b]);
    expect(memory.read32(0x1ffc)).toBe(0xdead_beef);
    expect(memory.read8(0x2000 + Pl011.CR + 1)).toBe(CR.TXE >>> 8); // byte lane 1 of CR
    expect(memory.bytes[0x1000 + Pl011.CR]).toBe(0); // RAM behind the window untouched
    expect(memory.read32(0x3000)).toBe(0);
  });
});
