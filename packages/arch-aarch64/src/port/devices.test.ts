import { AccessKind } from '@k5/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Aarch64Port, ATTR_DEVICE, ATTR_NORMAL } from './aarch64-port';
import { checkDeviceWindows, typeMappings } from './devices';

const R = AccessKind.Read;
const W = AccessKind.Write;
const X = AccessKind.Execute;
const UART = 0x0900_0000;

describe('device windows', () => {
  it('rejects misaligned, empty, out-of-range and overlapping windows with typed errors', () => {
    expect(() => checkDeviceWindows([{ base: UART + 4, size: 0x1000 }])).toThrow(/4 KiB aligned/);
    expect(() => checkDeviceWindows([{ base: UART, size: 0 }])).toThrow(/positive/);
    expect(() => checkDeviceWindows([{ base: 0xffff_f000, size: 0x2000 }])).toThrow(/2\^32/);
    expect(() =>
      checkDeviceWindows([
        { base: UART, size: 0x2000, name: 'uart' },
        { base: UART + 0x1000, size: 0x1000, name: 'rtc' },
      ]),
    ).toThrow(/uart and rtc overlap/);
    expect(
      checkDeviceWindows([
        { base: 0x2000, size: 0x1000 },
        { base: 0, size: 0x1000 },
      ]),
    ).toEqual([
      { base: 0, size: 0x1000 },
      { base: 0x2000, size: 0x1000 },
    ]);
  });

  it('splits mappings at window edges, covering the same bytes with the right type', () => {
    const page = fc.integer({ min: 0, max: 31 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(page, fc.integer({ min: 1, max: 8 })), { maxLength: 4 }),
        fc.tuple(page, fc.integer({ min: 1, max: 8 })),
        ([...maps], [start, len]) => {
          // Disjoint mappings in address order (every other one of the generated spans).
          const mappings = maps
            .map(([p, n], i) => ({ va: (p + i * 40) * 0x1000, size: n * 0x1000, access: R }))
            .sort((a, b) => a.va - b.va);
          const windows = [{ base: start * 0x1000, size: len * 0x1000 }];
          const typed = typeMappings(mappings, windows);
          const inWindow = (a: number) =>
            a >= windows[0]!.base && a < windows[0]!.base + windows[0]!.size;
          let covered = 0;
          for (const t of typed) {
            covered += t.size;
            for (let a = t.va; a < t.va + t.size; a += 0x1000) expect(inWindow(a)).toBe(t.device);
          }
          expect(covered).toBe(mappings.reduce((s, m) => s + m.size, 0));
        },
      ),
    );
  });

  it('maps a grant in a window as Device-nGnRE and never executable; others stay Normal', () => {
    const port = new Aarch64Port({ devices: [{ base: UART, size: 0x1000, name: 'uart' }] });
    const c = port.createContext();
    // One grant spanning RAM and the device page: split into a Normal and a Device mapping.
    port.setMemoryMap(c, [{ base: UART - 0x1000, size: 0x2000, access: R | W | X }]);
    expect(port.mappingsOf(c)).toEqual([
      { va: UART - 0x1000, size: 0x1000, access: R | W | X, device: false },
      { va: UART, size: 0x1000, access: R | W | X, device: true },
    ]);
    expect(port.checkAccess(c, UART, 4, W)).toBe(true);
    const attr = (va: number) => {
      port.switchTo(c);
      const r = port.mmu.translate(va, 0, 0);
      return r.ok ? r.entry.attrIndx : -1;
    };
    expect(attr(UART)).toBe(ATTR_DEVICE);
    expect(attr(UART - 0x1000)).toBe(ATTR_NORMAL);
    // Fetching from the UART is a permission fault (UXN), from the RAM page it is allowed.
    expect(port.checkAccess(c, UART, 4, X)).toBe(false);
    expect(port.lastFault?.fault?.kind).toBe('permission');
    expect(port.checkAccess(c, UART - 0x1000, 4, X)).toBe(true);
  });
});
