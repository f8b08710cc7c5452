// The Thumb ELF loader: places the committed images at their region base with the Thumb bit in
// the entry, and refuses images for another machine or that do not fit.
import { describe, expect, it } from 'vitest';
import { loadThumbElf, TaskImageError } from '../src/load-elf';
import { taskElf } from '../src/system';

describe('loadThumbElf', () => {
  it('copies the server image to its base and keeps the Thumb bit in the entry', () => {
    const elf = taskElf('server');
    const memory = new Uint8Array(1024);
    const image = loadThumbElf(elf, 0x2000_1000, 1024, (a, bytes) =>
      memory.set(bytes, a - 0x2000_1000),
    );
    expect(image.entry & 1).toBe(1);
    expect(image.entry).toBeGreaterThanOrEqual(0x2000_1000);
    expect(image.end).toBeGreaterThan(image.entry);
    // The first instruction is a Thumb PUSH or SUB SP (the compiler's prologue).
    expect(memory.some((b) => b !== 0)).toBe(true);
  });

  it('refuses an ELF for another machine', () => {
    const elf = taskElf('client').slice();
    elf[18] = 243; // e_machine = RISC-V
    expect(() => loadThumbElf(elf, 0, 1024, () => {})).toThrow(TaskImageError);
  });

  it('refuses an image larger than the region, before writing anything', () => {
    let writes = 0;
    expect(() =>
      loadThumbElf(taskElf('client'), 0, 64, () => {
        writes++;
      }),
    ).toThrow(/region holds 0x40/);
    expect(writes).toBe(0);
  });
});
