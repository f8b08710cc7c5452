// UTF-8 text of strings sent in frames (`{=str}`, Debug2Format/Display2Format): logs repeat the
// same short strings (names, units), so short ASCII strings go through a small direct-mapped cache
// checked byte by byte, and everything else through a strict `TextDecoder`. The cache only saves
// building an equal string again; the result is always the text of the bytes. Relies on nothing.

/** Decodes UTF-8 slices; one per decoder (never shared at module level). */
export class Utf8Text {
  private readonly strict = new TextDecoder('utf-8', { fatal: true });
  private readonly recent: (string | undefined)[] = new Array(256).fill(undefined);

  /** The text of `bytes[start..end)`, or `undefined` when it is not valid UTF-8. */
  decode(bytes: Uint8Array, start: number, end: number): string | undefined {
    const n = end - start;
    if (n <= 24) {
      let h = n;
      let ascii = true;
      for (let i = start; i < end; i++) {
        const c = bytes[i]!;
        if (c >= 0x80) {
          ascii = false;
          break;
        }
        h = (Math.imul(h, 31) + c) | 0;
      }
      if (ascii) {
        const slot = h & 255;
        const cached = this.recent[slot];
        if (cached !== undefined && cached.length === n) {
          let same = true;
          for (let i = 0; i < n; i++) {
            if (cached.charCodeAt(i) !== bytes[start + i]) {
              same = false;
              break;
            }
          }
          if (same) return cached;
        }
        let s = '';
        for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
        this.recent[slot] = s;
        return s;
      }
    }
    try {
      return this.strict.decode(bytes.subarray(start, end));
    } catch {
      return undefined;
    }
  }
}
