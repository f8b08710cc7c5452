import { describe, expect, it } from 'vitest';
import { FrameEncoder } from '../encode/encoder';
import { TableBuilder } from '../encode/table-builder';
import type { Location } from '../table/types';
import { DefmtPrinter } from './printer';

function setup() {
  const b = new TableBuilder();
  const a = b.log('info', 'a={=u8}');
  const p = b.println('p');
  const table = b.build();
  const enc = new FrameEncoder(table);
  const bytes = Uint8Array.from([...enc.encode(a, [1]), ...enc.encode(p, [])]);
  return { table, a, p, bytes };
}

function print(
  options: ConstructorParameters<typeof DefmtPrinter>[2],
  locations?: Map<number, Location>,
) {
  const { table, bytes } = setup();
  let out = '';
  const printer = new DefmtPrinter(table, { stdout: (s) => (out += s) }, { ...options, locations });
  printer.push(bytes);
  return out;
}

describe('DefmtPrinter', () => {
  const { a, p } = setup();
  const complete = new Map<number, Location>([
    [a, { file: '/home/me/app/src/main.rs', line: 12, module: 'app::main' }],
    [p, { file: '/elsewhere/lib.rs', line: 3, module: 'lib' }],
  ]);

  it('adds location lines with -v, paths relative to the working directory', () => {
    expect(print({ verbose: true, currentDir: '/home/me/app' }, complete)).toBe(
      'INFO  a=1\n└─ app::main @ src/main.rs:12  \np\n',
    );
  });

  it('drops all locations when one log statement has none, as defmt-print does', () => {
    const partial = new Map([...complete].slice(0, 1));
    expect(print({ verbose: true, currentDir: '/home/me/app' }, partial)).toBe(
      'INFO  a=1\n└─ <mod path> @ <file>:0   \np\n',
    );
  });

  it('includes locations when oneline is chosen as --log-format', () => {
    expect(print({ logFormat: 'oneline', currentDir: '/home/me/app' }, complete)).toBe(
      '[INFO ] a=1 (app src/main.rs:12)\np\n',
    );
  });

  it('prints the JSON schema line once, before the first frame', () => {
    const out = print({ json: true, now: () => 9n }, complete);
    expect(out.split('\n')[0]).toBe('{"schema_version":1}');
    expect(out.split('\n')[1]).toContain(
      '"location":{"file":"/home/me/app/src/main.rs","line":12,"module_path":{"crate_name":"app","modules":[],"function":"main"}}',
    );
  });
});
