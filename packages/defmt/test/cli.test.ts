// The `k5-defmt` command, run as a function with injected I/O; one real TCP test on 127.0.0.1.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { writeDefmtElf } from '../src/elf/index';
import { FrameEncoder } from '../src/encode/encoder';
import { TableBuilder } from '../src/encode/table-builder';
import { main } from '../src/node/main';
import type { DefmtTable } from '../src/table/types';

function fixture(encoding: 'raw' | 'rzcobs' = 'rzcobs') {
  const b = new TableBuilder({ encoding }).timestamp('{=u32:us}');
  const hello = b.log('info', 'hello {=u8}');
  const warn = b.log('warn', 'careful {=str}');
  const p = b.println('plain {=bool}');
  const table = b.build();
  const e = new FrameEncoder(table);
  const stream = Uint8Array.from([
    ...e.encode(hello, [7], [1]),
    ...e.encode(warn, ['x'], [2_000_001]),
    ...e.encode(p, [true], [3]),
  ]);
  return { table, stream, elf: writeDefmtElf(table), encoding };
}

async function run(
  argv: string[],
  opts: {
    table?: DefmtTable;
    elf?: Uint8Array;
    stdin?: Uint8Array[];
    env?: Record<string, string>;
    files?: Record<string, Uint8Array>;
    isTty?: boolean;
  } = {},
) {
  let out = '';
  let err = '';
  const files: Record<string, Uint8Array> = { 'fw.elf': opts.elf ?? fixture().elf, ...opts.files };
  const code = await main(argv, {
    stdin: (async function* () {
      for (const c of opts.stdin ?? []) yield c;
    })(),
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: opts.env ?? {},
    isTty: opts.isTty ?? false,
    cwd: '/work',
    now: () => 42n,
    readFile: async (path: string) => {
      const f = files[path];
      if (!f) throw new Error(`No such file or directory: ${path}`);
      return f;
    },
  });
  return { code, out, err };
}

describe('k5-defmt', () => {
  const { stream, elf } = fixture();

  it('decodes stdin with the default format (timestamp, padded level)', async () => {
    const r = await run(['-e', 'fw.elf'], {
      elf,
      stdin: [stream.subarray(0, 5), stream.subarray(5)],
    });
    expect(r).toEqual({
      code: 0,
      out: '0.000001 INFO  hello 7\n2.000001 WARN  careful x\nplain true\n',
      err: '',
    });
  });

  it('decodes a file, with a custom log format', async () => {
    const r = await run(['-e', 'fw.elf', '--log-format', '{L:>5}|{s}', 'file', 'log.bin'], {
      elf,
      files: { 'log.bin': stream },
    });
    expect(r.out).toBe(' INFO|hello 7\n WARN|careful x\nplain true\n');
  });

  it('writes --json with its schema line', async () => {
    const r = await run(['-e', 'fw.elf', '--json'], { elf, stdin: [stream] });
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe('{"schema_version":1}');
    expect(lines[1]).toBe(
      '{"data":"hello 7","host_timestamp":42,"level":"INFO","location":{"file":null,"line":null,"module_path":null},"target_timestamp":"0.000001"}',
    );
    expect(JSON.parse(lines[3]!).level).toBeNull();
  });

  it('colours when CLICOLOR_FORCE is set and not when NO_COLOR is', async () => {
    const forced = await run(['-e', 'fw.elf'], {
      elf,
      stdin: [stream],
      env: { CLICOLOR_FORCE: '1' },
    });
    expect(forced.out.split('\n')[0]).toBe('0.000001 \x1b[32mINFO \x1b[0m hello 7');
    const tty = await run(['-e', 'fw.elf'], {
      elf,
      stdin: [stream],
      env: { NO_COLOR: '1' },
      isTty: true,
    });
    expect(tty.out.split('\n')[0]).toBe('0.000001 INFO  hello 7');
  });

  it('notes skipped frames with --show-skipped-frames and -v', async () => {
    const bad = Uint8Array.from([0x7e, 0, ...stream]);
    const quiet = await run(['-e', 'fw.elf'], { elf, stdin: [bad] });
    expect(quiet.out.startsWith('0.000001 INFO')).toBe(true);
    const shown = await run(['-e', 'fw.elf', '--show-skipped-frames'], { elf, stdin: [bad] });
    expect(
      shown.out.startsWith(
        '(HOST) malformed frame skipped\n└─ defmt-print @ src/main.rs:322\n0.000001 INFO',
      ),
    ).toBe(true);
  });

  it('gives up on a raw stream that stops decoding, as defmt-print does', async () => {
    const raw = fixture('raw');
    const r = await run(['-e', 'fw.elf'], {
      elf: raw.elf,
      stdin: [Uint8Array.from([...raw.stream, 99, 0, 1, 0, 0, 0])],
    });
    expect(r.code).toBe(1);
    expect(r.out).toBe('0.000001 INFO  hello 7\n2.000001 WARN  careful x\nplain true\n');
    expect(r.err).toBe('Error: malformed data\n');
  });

  it('splits espflash framing from text', async () => {
    const framed = Uint8Array.from([
      ...new TextEncoder().encode('boot\n'),
      0xff,
      0x00,
      ...stream.subarray(0, stream.indexOf(0) + 1),
    ]);
    const r = await run(['-e', 'fw.elf', '--espflash'], { elf, stdin: [framed] });
    expect(r.out).toBe('boot\n0.000001 INFO  hello 7\n');
  });

  it.each<[string[], number, RegExp]>([
    [[], 2, /required arguments were not provided:\n {2}-e <ELF>/],
    [['-e', 'fw.elf', 'serial'], 2, /unrecognized subcommand 'serial'/],
    [['-e', 'fw.elf', '--nope'], 2, /error: /],
    [['-e', 'missing.elf'], 1, /^Error: No such file or directory: missing.elf\n$/],
    [['-e', 'fw.elf', '--log-format', '{t}'], 1, /must contain a `\{s\}`/],
    [['-e', 'fw.elf', 'tcp', '--port', 'x'], 2, /invalid port/],
  ])('fails cleanly for %j', async (argv, code, err) => {
    const r = await run(argv);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(err);
  });

  it('prints its version', async () => {
    const r = await run(['-V']);
    expect(r.out).toBe('k5-defmt 0.0.0\nsupported defmt versions: 3, 4\n');
  });

  it('reads from a real TCP server on 127.0.0.1', async () => {
    const server = createServer((socket) => {
      socket.write(stream.subarray(0, 3));
      setTimeout(() => socket.end(stream.subarray(3)), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      let out = '';
      const code = await main(
        ['-e', 'fw.elf', 'tcp', '--host', '127.0.0.1', '--port', String(port)],
        {
          stdout: { write: (s: string) => (out += s) },
          stderr: { write: () => true },
          env: {},
          isTty: false,
          readFile: async () => elf,
        },
      );
      expect(code).toBe(0);
      expect(out).toBe('0.000001 INFO  hello 7\n2.000001 WARN  careful x\nplain true\n');
    } finally {
      server.close();
    }
  });
});
