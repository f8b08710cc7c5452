// The `k5-defmt` command: defmt-print's options and behaviour on Node. Reads the table (and
// locations) from an ELF, bytes from stdin, a file or a TCP server (an RTT server such as J-Link's
// or probe-rs'), and writes what defmt-print writes. All I/O is injectable so tests run it without
// spawning processes. Relies on `node:util` (argument parsing), `node:fs`, `node:net` and the
// browser-safe core.

import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import { hasCompleteLocations, loadDefmtLocations, loadDefmtTable } from '../elf/index';
import { DefmtError } from '../errors';
import { shouldColorize } from '../log/ansi';
import { parseLogFormat } from '../log/format-parser';
import { DefmtPrinter } from '../log/printer';
import { SerialFramer } from '../stream/serial';
import type { DefmtTable, Location } from '../table/types';

/** A writable text sink (`process.stdout` fits). */
export interface TextSink {
  /** Writes text (a whole line or more). */
  write(text: string): unknown;
}

/** Everything the CLI touches outside itself. Each field defaults to the real process's. */
export interface CliIo {
  /** Input of the `stdin` subcommand. */
  readonly stdin: AsyncIterable<Uint8Array>;
  /** Decoded output. */
  readonly stdout: TextSink;
  /** Error messages. */
  readonly stderr: TextSink;
  /** Environment (`NO_COLOR`, `CLICOLOR`, `CLICOLOR_FORCE`, `RTT_HOST`, `RTT_PORT`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal (colours are on by default only then). */
  readonly isTty: boolean;
  /** Working directory: file paths inside it are shown relative to it. */
  readonly cwd: string;
  /** Reads the ELF and `file` inputs. */
  readFile(path: string): Promise<Uint8Array>;
  /** Opens a TCP connection and yields what it receives until it closes. */
  connectTcp(host: string, port: number): AsyncIterable<Uint8Array>;
  /** Host clock in nanoseconds (for `--json`). */
  now(): bigint;
}

/** The version line printed by `-V`. */
export const CLI_VERSION = 'k5-defmt 0.0.0';

const USAGE = `Prints defmt-encoded logs to stdout

Usage: k5-defmt [OPTIONS] -e <ELF> [COMMAND]

Commands:
  stdin  Read defmt frames from stdin (default)
  tcp    Read defmt frames from a TCP server (--host, default $RTT_HOST or localhost;
         --port, default $RTT_PORT or 19021)
  file   Read defmt frames from a file: k5-defmt -e fw.elf file log.bin

Options:
  -e <ELF>                             The firmware running on the device being logged
      --json                           Emit logs in JSON format
      --log-format <LOG_FORMAT>        A format string for target-generated logs
      --host-log-format <FORMAT>       A format string for host-generated logs
      --show-skipped-frames            Log any malformed defmt frames that are being skipped
      --espflash                       Input uses espflash serial framing (FF 00 frame 00)
  -v, --verbose                        Print extra detail
  -V, --version                        Print the version number, and quit
  -h, --help                           Print help
`;

async function* tcpChunks(host: string, port: number): AsyncIterable<Uint8Array> {
  const socket = connect({ host, port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  for await (const chunk of socket) yield chunk as Uint8Array;
}

function defaultIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    isTty: process.stdout.isTTY === true,
    cwd: process.cwd(),
    readFile: async (path) => new Uint8Array(await readFile(path)),
    connectTcp: tcpChunks,
    now: () => BigInt(Date.now()) * 1_000_000n,
  };
}

interface Parsed {
  elf: string | undefined;
  json: boolean;
  logFormat: string | undefined;
  hostLogFormat: string | undefined;
  showSkippedFrames: boolean;
  verbose: boolean;
  version: boolean;
  help: boolean;
  espflash: boolean;
  command: 'stdin' | 'tcp' | 'file';
  host: string | undefined;
  port: string | undefined;
  file: string | undefined;
}

function parse(argv: readonly string[]): Parsed {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        elf: { type: 'string', short: 'e' },
        json: { type: 'boolean' },
        'log-format': { type: 'string' },
        'host-log-format': { type: 'string' },
        'show-skipped-frames': { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
        version: { type: 'boolean', short: 'V' },
        help: { type: 'boolean', short: 'h' },
        espflash: { type: 'boolean' },
        host: { type: 'string' },
        port: { type: 'string' },
        'watch-elf': { type: 'boolean', short: 'w' },
      },
    }));
  } catch (e) {
    throw new DefmtError('usage', (e as Error).message);
  }
  if (values['watch-elf'])
    throw new DefmtError('usage', '--watch-elf is not supported by k5-defmt');
  const [command = 'stdin', ...rest] = positionals;
  if (command !== 'stdin' && command !== 'tcp' && command !== 'file')
    throw new DefmtError('usage', `unrecognized subcommand '${command}'`);
  if (command === 'file' ? rest.length !== 1 : rest.length !== 0)
    throw new DefmtError(
      'usage',
      command === 'file' ? 'file needs exactly one path' : `unexpected argument '${rest[0]}'`,
    );
  if ((values.host !== undefined || values.port !== undefined) && command !== 'tcp')
    throw new DefmtError('usage', '--host and --port belong to the tcp subcommand');
  const str = (k: string) => values[k] as string | undefined;
  const bool = (k: string) => values[k] === true;
  return {
    elf: str('elf'),
    json: bool('json'),
    logFormat: str('log-format'),
    hostLogFormat: str('host-log-format'),
    showSkippedFrames: bool('show-skipped-frames'),
    verbose: bool('verbose'),
    version: bool('version'),
    help: bool('help'),
    espflash: bool('espflash'),
    command,
    host: str('host'),
    port: str('port'),
    file: command === 'file' ? rest[0] : undefined,
  };
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/**
 * Runs `k5-defmt` with `argv` (without the node and script paths) and returns the exit code:
 * 0 at the end of the input, 1 for errors (unreadable ELF, a raw stream that stops decoding, I/O),
 * 2 for a bad command line. Errors are written to stderr as `Error: ...`.
 */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const sys: CliIo = { ...defaultIo(), ...io };
  let args: Parsed;
  try {
    args = parse(argv);
  } catch (e) {
    sys.stderr.write(`error: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    sys.stdout.write(USAGE);
    return 0;
  }
  if (args.version) {
    sys.stdout.write(`${CLI_VERSION}\nsupported defmt versions: 3, 4\n`);
    return 0;
  }
  if (args.elf === undefined) {
    sys.stderr.write(
      `error: the following required arguments were not provided:\n  -e <ELF>\n\n${USAGE}`,
    );
    return 2;
  }
  try {
    // Validate a custom host log format as defmt-print does (it has no host messages to show).
    if (
      args.hostLogFormat !== undefined &&
      args.hostLogFormat !== 'default' &&
      args.hostLogFormat !== 'oneline'
    ) {
      parseLogFormat(args.hostLogFormat);
    }
    const elf = await sys.readFile(args.elf);
    const table: DefmtTable = loadDefmtTable(elf);
    const locations: Map<number, Location> = loadDefmtLocations(elf, table);
    let input: AsyncIterable<Uint8Array>;
    if (args.command === 'tcp') {
      const host = args.host ?? sys.env['RTT_HOST'] ?? 'localhost';
      const portText = args.port ?? sys.env['RTT_PORT'] ?? '19021';
      const port = Number(portText);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new DefmtError('usage', `invalid port ${JSON.stringify(portText)}`);
      input = sys.connectTcp(host, port);
    } else if (args.command === 'file') input = once(await sys.readFile(args.file!));
    else input = sys.stdin;
    const printer = new DefmtPrinter(
      table,
      { stdout: (text) => sys.stdout.write(text) },
      {
        json: args.json,
        logFormat: args.logFormat,
        verbose: args.verbose,
        showSkippedFrames: args.showSkippedFrames,
        colored: shouldColorize(sys.env, sys.isTty),
        locations: hasCompleteLocations(table, locations) ? locations : undefined,
        currentDir: sys.cwd,
        now: () => sys.now(),
      },
    );
    printer.start();
    const framer = args.espflash ? new SerialFramer() : undefined;
    for await (const chunk of input) {
      if (!framer) {
        printer.push(chunk);
        continue;
      }
      for (const part of framer.push(chunk)) {
        if (part.kind === 'defmt') printer.push(Uint8Array.from([...part.bytes, 0]));
        else sys.stdout.write(new TextDecoder().decode(part.bytes));
      }
    }
    return 0;
  } catch (e) {
    if (e instanceof DefmtError && e.code === 'usage') {
      sys.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    const message =
      e instanceof DefmtError && e.code === 'raw-desync' ? 'malformed data' : (e as Error).message;
    sys.stderr.write(`Error: ${message}\n`);
    return 1;
  }
}
