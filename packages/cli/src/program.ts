// The `k5` command's definition: commander parses, each command lives in `commands/`. Built as a
// function of its I/O so tests run it in-process and the binary stays a thin shell.
import { Command, CommanderError } from 'commander';
import { addAbiCommand } from './commands/abi';
import type { CliIo } from './io';
import packageJson from '../package.json';

/** Exit codes of `k5`: 0 success, 1 the requested work failed, 2 a usage error. @public */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
} as const;

/** Builds the `k5` program writing to `io`. @public */
export function createProgram(io: CliIo): Command {
  const program = new Command('k5')
    .description('K5 microkernel SDK: inspect the ABI, run apps, decode logs and traces')
    .version(packageJson.version)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  addAbiCommand(program, io);
  return program;
}

/**
 * Runs `k5` with `argv` (without the node and script paths) and returns the exit code instead of
 * exiting, so it can be embedded and tested.
 * @public
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through exitOverride with code 0.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    io.err(`k5: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.Failure;
  }
}
