// Capability rights: the bit layout of the rights word used by Mint, Copy and Region_Map, and
// helpers to combine them. Bit positions follow seL4's CapRights word. Relies on nothing.

/** Right bits (seL4 positions: Write is bit 0, Read 1, Grant 2, GrantReply 3). @public */
export const Rights = {
  None: 0,
  Write: 1,
  Read: 2,
  Grant: 4,
  GrantReply: 8,
  /** Read, Write, Grant and GrantReply. */
  All: 15,
  /** Read and Write. */
  ReadWrite: 3,
} as const;

/** A rights word (a combination of {@link Rights} bits). @public */
export type RightsWord = number;

/** The table of single right bits, for docs and the C header. @public */
export const RIGHTS_TABLE: readonly {
  readonly name: string;
  readonly bit: number;
  readonly summary: string;
}[] = [
  { name: 'Write', bit: 1, summary: 'Endpoint: send. Notification: signal. Region: write.' },
  { name: 'Read', bit: 2, summary: 'Endpoint: receive. Notification: wait. Region: read.' },
  {
    name: 'Grant',
    bit: 4,
    summary: 'Endpoint: transfer capabilities with a message (and make Call grant replies).',
  },
  {
    name: 'GrantReply',
    bit: 8,
    summary: 'Endpoint: Call through it (creating a reply link) without full Grant.',
  },
];

/** Whether `rights` holds every bit of `required`. @public */
export function hasRights(rights: RightsWord, required: RightsWord): boolean {
  return (rights & required) === required;
}

/** The rights left after masking `rights` with `mask` (rights can only shrink). @public */
export function maskRights(rights: RightsWord, mask: RightsWord): RightsWord {
  return rights & mask & Rights.All;
}
