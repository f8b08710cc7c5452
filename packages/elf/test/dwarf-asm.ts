// A tiny DWARF assembler for tests: byte builders for LEB128, fixed-size numbers and strings,
// so that DWARF sections are written field by field instead of as hex dumps. Pinned by
// dwarf-asm.test.ts.

export type Bytes = readonly number[];

export function uleb(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}

export function sleb(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export function num(value: number | bigint, size: number, little = true): number[] {
  let v = BigInt.asUintN(size * 8, BigInt(value));
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  return little ? out : out.reverse();
}

export const u8 = (v: number) => [v & 0xff];
export const u16 = (v: number, little = true) => num(v, 2, little);
export const u32 = (v: number, little = true) => num(v, 4, little);
export const u64 = (v: number | bigint, little = true) => num(v, 8, little);

export function cstr(s: string): number[] {
  return [...new TextEncoder().encode(s), 0];
}

export const bytes = (...parts: Bytes[]): Uint8Array => new Uint8Array(parts.flat());

/** A string section builder: returns offsets of added strings. */
export class StrSection {
  private readonly data: number[] = [0];
  add(s: string): number {
    const at = this.data.length;
    this.data.push(...cstr(s));
    return at;
  }
  build(): Uint8Array {
    return new Uint8Array(this.data);
  }
}

/** Wraps a unit body with a 32-bit or 64-bit DWARF unit_length. */
export function withLength(body: Bytes, offsetSize: 4 | 8 = 4, little = true): number[] {
  return offsetSize === 4
    ? [...u32(body.length, little), ...body]
    : [...u32(0xffffffff, little), ...u64(body.length, little), ...body];
}
