// The message-info word: how a message's label, length and capability counts are packed into
// one register, in seL4's layout (label | capsUnwrapped:3 | extraCaps:2 | length:7).
// Relies on nothing.

/** Most message registers in one message (MR0..MR119). @public */
export const MSG_MAX_LENGTH = 120;
/** Most extra capabilities in one message. @public */
export const MSG_MAX_EXTRA_CAPS = 3;
/** Bits of the label field. K5 keeps 20 on every architecture (seL4 has 52 on 64-bit ones). @public */
export const MSG_LABEL_BITS = 20;

/** The fields of a message-info word. @public */
export interface MessageInfo {
  /** The message label (a method label for invocations, an error code in invocation replies). */
  readonly label: number;
  /** Bit i set: extra cap i was unwrapped into its badge instead of being transferred. */
  readonly capsUnwrapped: number;
  /** Number of extra capabilities. */
  readonly extraCaps: number;
  /** Number of message registers. */
  readonly length: number;
}

/**
 * Packs the fields into a word. Fields are masked to their widths, as the hardware would.
 * @public
 */
export function encodeMessageInfo(
  label: number,
  length: number,
  extraCaps = 0,
  capsUnwrapped = 0,
): number {
  return (
    (((label & 0xfffff) << 12) |
      ((capsUnwrapped & 7) << 9) |
      ((extraCaps & 3) << 7) |
      (length & 0x7f)) >>>
    0
  );
}

/** Unpacks a word. @public */
export function decodeMessageInfo(word: number): MessageInfo {
  return {
    label: messageInfoLabel(word),
    capsUnwrapped: (word >>> 9) & 7,
    extraCaps: messageInfoExtraCaps(word),
    length: messageInfoLength(word),
  };
}

/** The label of a message-info word (no allocation). @public */
export function messageInfoLabel(word: number): number {
  return (word >>> 12) & 0xfffff;
}

/** The length field of a message-info word (not yet clamped to {@link MSG_MAX_LENGTH}). @public */
export function messageInfoLength(word: number): number {
  return word & 0x7f;
}

/** The extra-caps field of a message-info word. @public */
export function messageInfoExtraCaps(word: number): number {
  return (word >>> 7) & 3;
}

/** The caps-unwrapped field of a message-info word. @public */
export function messageInfoCapsUnwrapped(word: number): number {
  return (word >>> 9) & 7;
}

/** Bit layout of the word, lowest field first, for docs and the C header. @public */
export const MESSAGE_INFO_LAYOUT: readonly {
  readonly field: string;
  readonly shift: number;
  readonly bits: number;
}[] = [
  { field: 'length', shift: 0, bits: 7 },
  { field: 'extraCaps', shift: 7, bits: 2 },
  { field: 'capsUnwrapped', shift: 9, bits: 3 },
  { field: 'label', shift: 12, bits: MSG_LABEL_BITS },
];
