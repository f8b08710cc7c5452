// The `k5` command's definition: commander parses, each command lives in `commands/`. Built as a
// function of its I/O so tests run it in-process and the binary stays a thin shell. Every error
// ends here and becomes an exit code (see errors.ts).
import { Command, CommanderError } from 'commander';
import { addAbiCommand } from './commands/abi';
import { addCheckCommand } from './commands/check';
import { addLogsCommand } from './commands/logs';
import { addMpuCommand } from './commands/mpu';
import { addRunCommand } from './commands/run';
import { addTraceCommand } from './commands/trace';
import { CliError, ExitCode } from './errors';
import type { CliIo } from './io';
import packageJson from '../package.json';

/** Builds the `k5` program writing to `io`. @public */
export function createProgram(io: CliIo): Command {
  const program = new Command('k5')
    .description('K5 microkernel SDK: run apps, decode logs, export traces, inspect the ABI')
    .version(packageJson.version)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 the work failed, 2 usage error, 3 invalid app, 4 unschedulable.\nColours follow NO_COLOR and FORCE_COLOR. Docs: docs/cli.md',
    );
  addRunCommand(program, io);
  addLogsCommand(program, io);
  addTraceCommand(program, io);
  addMpuCommand(program, io);
  addCheckCommand(program, io);
  addAbiCommand(program, io);
  // Subcommands inherit the error handling and output of the program.
  for (const c of program.commands) {
    c.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
    c.showHelpAfterError();
  }
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
    if (error instanceof CliError) {
      if (error.message !== '') io.err(`k5: ${error.message}\n`);
      return error.exitCode;
    }
    io.err(`k5: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.Failure;
  }
}
