import { describe, expect, it } from 'vitest';
import { RiscvError } from '../errors';
import { MemoryBus } from '../hart/memory';
import { TRAP_FRAME_SIZE, TrapFrame } from '../trap-frame';
import { MonitorFrameStore } from './frame-store';

const BASE = 0x1000;

function store(capacity: number) {
  const bus = new MemoryBus();
  bus.addRam(BASE, TRAP_FRAME_SIZE * (capacity + 1));
  return { bus, frames: new MonitorFrameStore(bus, BASE + TRAP_FRAME_SIZE, capacity) };
}

describe('MonitorFrameStore', () => {
  it('hands out distinct slots, lowest first, and refuses when all are taken', () => {
    const { frames } = store(3);
    const a = [0, 1, 2].map(() => frames.allocate('t'));
    expect(a).toEqual([0, 1, 2].map((i) => BASE + TRAP_FRAME_SIZE * (i + 1)));
    expect(frames.available).toBe(0);
    expect(() => frames.allocate('thread 9')).toThrow(
      expect.objectContaining({ code: 'enclave-out-of-resources' }),
    );
    frames.release(a[1]!);
    expect(frames.allocate('t')).toBe(a[1]);
  });

  it('keeps x1..x31 and the pc in the trap-frame layout; x0 reads 0 and ignores writes', () => {
    const { bus, frames } = store(1);
    const at = frames.allocate('t');
    const f = new TrapFrame();
    for (let r = 1; r < 32; r++) f.set(r, 0x1000_0000 + r);
    f.pc = 0x2000_0040;
    frames.write(at, f);
    expect(frames.readRegister(at, 5)).toBe(0x1000_0005);
    expect(frames.readRegister(at, 32)).toBe(0x2000_0040);
    frames.writeRegister(at, 0, 7);
    frames.writeRegister(at, 31, 0xffff_ffff);
    expect(frames.readRegister(at, 0)).toBe(0);
    const back = frames.read(at);
    expect(back.x[31]).toBe(0xffff_ffff);
    expect(back.pc).toBe(0x2000_0040);
    expect(bus.read(at + 4 * 4, 4)).toBe(0x1000_0005); // x5 at (5 - 1) * 4
  });

  it('zeroes a slot when it is released or handed out again', () => {
    const { bus, frames } = store(1);
    const at = frames.allocate('t');
    frames.writeRegister(at, 9, 99);
    frames.release(at);
    expect(bus.dump(at, TRAP_FRAME_SIZE)).toEqual(new Uint8Array(TRAP_FRAME_SIZE));
    bus.write(at, 4, 5);
    frames.allocate('t');
    expect(bus.read(at, 4)).toBe(0);
  });

  it('refuses an address that is not one of its slots', () => {
    const { frames } = store(2);
    expect(() => frames.read(BASE)).toThrow(RiscvError);
    expect(() => frames.release(BASE + TRAP_FRAME_SIZE + 4)).toThrow(/not a register save area/);
  });
});
