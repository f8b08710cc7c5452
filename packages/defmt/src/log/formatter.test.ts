import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DefmtError } from '../errors';
import { shouldColorize } from './ansi';
import { type LogRecord, LogFormatter } from './formatter';
import { jsonFrameLine } from './json';

const rec: LogRecord = {
  level: 'info',
  timestamp: '0.000002',
  message: 'hello',
  file: 'src/main.rs',
  line: 8,
  modulePath: 'app::main',
};
const bare: LogRecord = { level: 'info', timestamp: '', message: 'hello' };

describe('LogFormatter (plain)', () => {
  it.each<[string, ConstructorParameters<typeof LogFormatter>[0], LogRecord, string]>([
    ['default', {}, rec, 'INFO  hello'],
    ['default with timestamp', { hasTimestamp: true }, rec, '0.000002 INFO  hello'],
    ['default -v', { withLocation: true }, rec, 'INFO  hello\n└─ app::main @ src/main.rs:8   '],
    [
      'default -v, timestamp',
      { withLocation: true, hasTimestamp: true },
      rec,
      '0.000002 INFO  hello\n└─ app::main @ src/main.rs:8   ',
    ],
    ['oneline', { format: 'oneline' }, rec, '[INFO ] hello'],
    [
      'oneline with location',
      { format: 'oneline', withLocation: true },
      rec,
      '[INFO ] hello (app src/main.rs:8)',
    ],
    ['host preset', { host: true }, rec, 'INFO  hello (HOST)'],
    ['left width', { format: '{L:<7}|{s}' }, rec, 'INFO   |hello'],
    ['right width', { format: '{L:>7}|{s}' }, rec, '   INFO|hello'],
    ['centre width', { format: '{L:^8}|{s}' }, rec, '  INFO  |hello'],
    [
      'zero padding fills on the right when left-aligned',
      { format: '{l:04} {s}' },
      rec,
      '8000 hello',
    ],
    ['zero padding, right-aligned', { format: '{l:>04} {s}' }, rec, '0008 hello'],
    [
      'file name components',
      { format: '{f}|{ff}|{fff}|{F} {s}' },
      { ...rec, file: '/a/b/c.rs' },
      'c.rs|b/c.rs|a/b/c.rs|/a/b/c.rs hello',
    ],
    ['root component', { format: '{ffff} {s}' }, { ...rec, file: '/a/b/c.rs' }, '//a/b/c.rs hello'],
    ['crate and module', { format: '{c} {m} {s}' }, rec, 'app app::main hello'],
    [
      'placeholders',
      { format: '{m} {F} {l} {c} {f} {t} {s}' },
      bare,
      '<mod path> <file> 0    <crate> <file> <time> hello',
    ],
    [
      'crate needs two path parts',
      { format: '{c} {s}' },
      { ...rec, modulePath: 'app' },
      '<crate> hello',
    ],
    [
      'nested group with width',
      { format: '{{[{L}]%bold} {f:>5}:%<16}|{s}' },
      rec,
      '[INFO ] main.rs:|hello',
    ],
    ['text after a lone % is ignored', { format: '{s} %foo' }, rec, 'hello '],
    ['content after a segment inside braces is ignored', { format: '{s junk}' }, rec, 'hello'],
  ])('%s', (_name, options, record, expected) => {
    expect(new LogFormatter(options).format(record)).toBe(expected);
  });

  it('prints println frames (no level) as the message alone', () => {
    expect(new LogFormatter({ format: '{t} [{L}] {s}' }).format({ ...rec, level: undefined })).toBe(
      'hello',
    );
  });

  it('rewrites assert_eq! messages as a diff', () => {
    const message = 'panicked at x\n left: `1`\nright: `2`';
    expect(new LogFormatter().format({ ...rec, message })).toBe(
      'INFO  panicked at x\ndiff < left / right >\n<1\n>2',
    );
  });

  it('formats a line ending in the message as it formats the message before other text (property)', () => {
    // `{L} {s}` takes the path that tests the assert_eq! tail on the joined line; `{L} {s}|` does
    // not (the message is not last). Both must agree on the message part.
    const piece = fc.constantFrom('x', '`', '\n', '\r', ' left: `', 'right: `', 'a\n', '');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.boolean(), (parts, colored) => {
        const r: LogRecord = { level: 'warn', timestamp: '', message: parts.join('') };
        const last = new LogFormatter({ format: '{L} {s}', colored }).format(r);
        const inner = new LogFormatter({ format: '{L} {s}|', colored }).format(r);
        expect(`${last}|`).toBe(inner);
      }),
    );
  });

  it.each(['{t}', '{s:bold:bold}', '{foo} {s}', '{} {s}', '{s:junk}', '{[{s}]%nope}'])(
    'rejects %j',
    (format) => {
      expect(() => new LogFormatter({ format })).toThrow(DefmtError);
    },
  );
});

describe('LogFormatter (colours)', () => {
  it.each<[string, string | undefined, LogRecord, string]>([
    ['default', undefined, rec, '\x1b[32mINFO \x1b[0m hello'],
    ['fixed colour', '{s:red}', rec, '\x1b[31mhello\x1b[0m'],
    ['colour names are case-insensitive', '{s:Blue}', rec, '\x1b[34mhello\x1b[0m'],
    ['style and severity', '{L:bold} {s}', rec, '\x1b[1;32mINFO \x1b[0m hello'],
    ['styles in colored order', '{s:italic:bold:underline}', rec, '\x1b[1;4;3mhello\x1b[0m'],
    ['werror leaves info alone', '{s:werror}', rec, 'hello'],
    ['werror colours warnings', '{s:werror}', { ...rec, level: 'warn' }, '\x1b[33mhello\x1b[0m'],
    ['debug is bright white', '{L} {s}', { ...rec, level: 'debug' }, '\x1b[97mDEBUG\x1b[0m hello'],
    ['trace is bright black', '{L} {s}', { ...rec, level: 'trace' }, '\x1b[90mTRACE\x1b[0m hello'],
    [
      'oneline re-applies the group style after inner resets',
      'oneline',
      bare,
      '\x1b[1m[\x1b[32mINFO \x1b[0m\x1b[1m]\x1b[0m hello',
    ],
    [
      'oneline with location',
      '{[{L}]%bold} {s} {({c:bold} {fff}:{l:1})%dimmed}',
      bare,
      '\x1b[1m[\x1b[32mINFO \x1b[0m\x1b[1m]\x1b[0m hello \x1b[2m(\x1b[1m<crate>\x1b[0m\x1b[2m <file>:0)\x1b[0m',
    ],
    [
      'width ignores escape codes of nested colours',
      '{{L}%>8} {s}',
      rec,
      '   \x1b[32mINFO \x1b[0m hello',
    ],
  ])('%s', (_name, format, record, expected) => {
    const options = format === undefined ? { colored: true } : { format, colored: true };
    expect(new LogFormatter(options).format(record)).toBe(expected);
  });
});

describe('shouldColorize', () => {
  it.each<[Record<string, string>, boolean, boolean]>([
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '' }, true, false],
    [{ NO_COLOR: '1', CLICOLOR_FORCE: '1' }, false, true],
    [{ CLICOLOR_FORCE: '0' }, false, false],
    [{ CLICOLOR: '0' }, true, false],
    [{ CLICOLOR: '1' }, false, false],
  ])('%j on a tty=%s', (env, tty, expected) => {
    expect(shouldColorize(env, tty)).toBe(expected);
  });
});

describe('jsonFrameLine', () => {
  it('writes the schema v1 fields in order', () => {
    expect(jsonFrameLine({ ...rec, modulePath: 'app::foo::bar' }, 5n)).toBe(
      '{"data":"hello","host_timestamp":5,"level":"INFO","location":{"file":"src/main.rs","line":8,' +
        '"module_path":{"crate_name":"app","modules":["foo"],"function":"bar"}},"target_timestamp":"0.000002"}',
    );
  });
  it('uses null for what is unknown', () => {
    expect(jsonFrameLine({ level: undefined, timestamp: '', message: 'p\n' }, 1n)).toBe(
      '{"data":"p\\n","host_timestamp":1,"level":null,"location":{"file":null,"line":null,"module_path":null},"target_timestamp":""}',
    );
  });
});
