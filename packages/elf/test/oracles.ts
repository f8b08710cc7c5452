// Readers for the LLVM tool dumps committed beside the fixtures (llvm-objdump -t, llvm-dwarfdump
// --debug-info): what an independent ELF/DWARF implementation sees in the same files.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../defmt/fixtures/', import.meta.url));
export const FIXTURE_NAMES = [
  'thumbv7em-dwarf4',
  'thumbv8m-dwarf5',
  'thumbv7em-v3',
  'aarch64-dwarf5',
  'aarch64-unmerged',
  'aarch64-shared',
  'thumbv7em-zdebug',
  'aarch64-zdebug',
  'ppc-dwarf4',
  'ppc64-dwarf5',
] as const;

export const fixtureBytes = (name: string) =>
  new Uint8Array(readFileSync(`${FIXTURES}${name}.elf`));

export interface OracleSymbol {
  value: bigint;
  binding: 'l' | 'g' | 'w' | ' ';
  type: string;
  section: string;
  size: bigint;
  name: string;
}

/** Rows of `llvm-objdump -t` (or `-T` for the dynamic table); the null symbol is not listed. */
export function objdumpSymbols(
  name: string,
  table: 'symbols' | 'dynsyms' = 'symbols',
): OracleSymbol[] {
  const text = readFileSync(`${FIXTURES}${name}.${table}.txt`, 'utf8');
  const rows: OracleSymbol[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+) (.)(.{6}) (\S+)\t([0-9a-f]+) (.*)$/.exec(line);
    if (!m) continue;
    rows.push({
      value: BigInt(`0x${m[1]}`),
      binding: m[2] as OracleSymbol['binding'],
      type: m[3]!.trim(),
      section: m[4]!,
      size: BigInt(`0x${m[5]}`),
      name: m[6]!.replace(/^\.hidden /, ''),
    });
  }
  return rows;
}

export interface OracleVariable {
  name: string | undefined;
  file: string | undefined;
  line: number | undefined;
  linkage: string | undefined;
  /** DW_OP_addr operand, when the location is one. */
  address: bigint | undefined;
  namespace: string[];
}

const unquote = (s: string) => JSON.parse(`"${s}"`) as string;

/** DW_TAG_variable entries of `llvm-dwarfdump --debug-info`, with enclosing namespaces. */
export function dwarfdumpVariables(name: string): OracleVariable[] {
  const lines = readFileSync(`${FIXTURES}${name}.dwarf.txt`, 'utf8').split('\n');
  const out: OracleVariable[] = [];
  const stack: { depth: number; name: string | undefined; isNamespace: boolean }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^0x[0-9a-f]+:( +)(DW_TAG_\w+)/.exec(lines[i]!);
    if (!m) continue;
    const depth = m[1]!.length;
    const attrs = new Map<string, string>();
    for (let j = i + 1; j < lines.length && lines[j]!.trim() !== ''; j++) {
      const a = /^\s+(DW_AT_\w+)\t\((.*)\)$/.exec(lines[j]!);
      if (a) attrs.set(a[1]!, a[2]!);
    }
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= depth) stack.pop();
    const str = (k: string) => {
      const v = attrs.get(k);
      const q = v === undefined ? undefined : /^"(.*)"$/.exec(v);
      return q ? unquote(q[1]!) : undefined;
    };
    if (m[2] === 'DW_TAG_variable') {
      const loc = attrs.get('DW_AT_location');
      const addr = loc === undefined ? undefined : /^DW_OP_addr (0x[0-9a-f]+)$/.exec(loc);
      const line = attrs.get('DW_AT_decl_line');
      out.push({
        name: str('DW_AT_name'),
        file: str('DW_AT_decl_file'),
        line: line === undefined ? undefined : Number(line),
        linkage: str('DW_AT_linkage_name'),
        address: addr ? BigInt(addr[1]!) : undefined,
        namespace: stack.filter((s) => s.isNamespace && s.name !== undefined).map((s) => s.name!),
      });
    }
    stack.push({ depth, name: str('DW_AT_name'), isNamespace: m[2] === 'DW_TAG_namespace' });
  }
  return out;
}

export interface OracleLineRow {
  address: bigint;
  line: number;
  column: number;
  file: number;
  isa: number;
  discriminator: number;
  flags: string[];
}

/** The rows of `llvm-dwarfdump --debug-line`, in order. */
export function dwarfdumpLineRows(name: string): OracleLineRow[] {
  const text = readFileSync(`${FIXTURES}${name}.lines.txt`, 'utf8');
  const rows: OracleLineRow[] = [];
  for (const line of text.split('\n')) {
    const m = /^(0x[0-9a-f]{16})\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*(.*)$/.exec(line);
    if (!m) continue;
    rows.push({
      address: BigInt(m[1]!),
      line: Number(m[2]),
      column: Number(m[3]),
      file: Number(m[4]),
      isa: Number(m[5]),
      discriminator: Number(m[6]),
      flags: m[7]!.trim() === '' ? [] : m[7]!.trim().split(/\s+/),
    });
  }
  return rows;
}
