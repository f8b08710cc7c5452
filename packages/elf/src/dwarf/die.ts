// A debugging information entry (DIE): tag, decoded attributes and children, with typed accessors
// for the attribute shapes tools actually use (names, numbers, addresses, file indices).

import type { DwarfValue } from './forms';

/** One attribute of a DIE. */
export interface DwarfAttribute {
  /** `DW_AT_*`. */
  readonly name: number;
  /** `DW_FORM_*` it was stored with (after DW_FORM_indirect). */
  readonly form: number;
  /** The decoded value. */
  readonly value: DwarfValue;
}

/** One debugging information entry and its subtree. */
export class DwarfDie {
  /** Offset of the DIE in `.debug_info`. */
  readonly offset: number;
  /** `DW_TAG_*`. */
  readonly tag: number;
  /** Attributes in abbreviation order. */
  readonly attributes: readonly DwarfAttribute[];
  /** Child DIEs in order (empty when the abbreviation has no children). */
  readonly children: DwarfDie[] = [];
  /** The enclosing DIE; `undefined` for a unit's root. */
  readonly parent: DwarfDie | undefined;

  /** Made by the unit parser. */
  constructor(
    offset: number,
    tag: number,
    attributes: readonly DwarfAttribute[],
    parent: DwarfDie | undefined,
  ) {
    this.offset = offset;
    this.tag = tag;
    this.attributes = attributes;
    this.parent = parent;
  }

  /** The value of attribute `name`, if present. */
  get(name: number): DwarfValue | undefined {
    for (const a of this.attributes) if (a.name === name) return a.value;
    return undefined;
  }

  /** The attribute `name` as a string, if it is stored as one (string, strp, line_strp, strx). */
  string(name: number): string | undefined {
    const v = this.get(name);
    return v?.kind === 'string' ? v.value : undefined;
  }

  /**
   * The attribute `name` as an unsigned number (data and udata forms, and non-negative sdata /
   * implicit_const values), if it is stored as one.
   */
  unsigned(name: number): bigint | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (v.kind === 'unsigned') return v.value;
    if (v.kind === 'signed' && v.value >= 0n) return v.value;
    return undefined;
  }

  /** The attribute `name` as an address (addr and addrx forms), if it is stored as one. */
  address(name: number): bigint | undefined {
    const v = this.get(name);
    return v?.kind === 'address' ? v.value : undefined;
  }

  /** The attribute `name` as bytes (block, exprloc, data16), if it is stored as such. */
  bytes(name: number): Uint8Array | undefined {
    const v = this.get(name);
    return v?.kind === 'bytes' ? v.value : undefined;
  }

  /** Depth-first walk over this DIE and its subtree (iterative, so deep trees cannot overflow). */
  *walk(): Generator<DwarfDie> {
    const stack: DwarfDie[] = [this];
    while (stack.length > 0) {
      const die = stack.pop()!;
      yield die;
      for (let i = die.children.length - 1; i >= 0; i--) stack.push(die.children[i]!);
    }
  }
}
