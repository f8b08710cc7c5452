// Serial framing as espflash's monitor and esp-println use it: each rzCOBS defmt frame is sent as
// `FF 00 <frame> 00`, so defmt output can share a UART with plain text (boot messages, panics).
// This splitter separates the two: defmt frames (without the `FF 00` start and the `00` end) and
// the text around them, for chunks of any size. Relies on nothing.

/** What {@link SerialFramer.push} yields. */
export type SerialPart =
  | { readonly kind: 'defmt'; readonly bytes: Uint8Array }
  | { readonly kind: 'text'; readonly bytes: Uint8Array };

/** Splits a serial byte stream into `FF 00 ... 00` defmt frames and plain text. */
export class SerialFramer {
  private buf: number[] = [];
  private inFrame = false;
  /** Text ended with `FF`, which may start a frame marker in the next chunk. */
  private pendingFf = false;
  private readonly maxFrameBytes: number;

  /** @param maxFrameBytes - longest frame kept before it is given up as text (default 1 MiB). */
  constructor(maxFrameBytes = 1 << 20) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Feeds bytes; returns the complete parts they finish, in order. */
  push(chunk: Uint8Array): SerialPart[] {
    const out: SerialPart[] = [];
    let text: number[] = [];
    const flushText = () => {
      if (text.length > 0) out.push({ kind: 'text', bytes: Uint8Array.from(text) });
      text = [];
    };
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.inFrame) {
        if (b === 0) {
          out.push({ kind: 'defmt', bytes: Uint8Array.from(this.buf) });
          this.buf = [];
          this.inFrame = false;
        } else if (this.buf.length >= this.maxFrameBytes) {
          text.push(0xff, 0x00, ...this.buf, b);
          this.buf = [];
          this.inFrame = false;
        } else this.buf.push(b);
        continue;
      }
      if (this.pendingFf) {
        this.pendingFf = false;
        if (b === 0) {
          flushText();
          this.inFrame = true;
          continue;
        }
        text.push(0xff);
      }
      if (b === 0xff) this.pendingFf = true;
      else text.push(b);
    }
    flushText();
    return out;
  }
}
