// `k5 abi`: the kernel/task contract for people and for C. `k5 abi header` writes the C header
// that machine-code tasks include; `k5 abi syscalls|errors` print the tables (or JSON).
import { ERROR_TABLE, generateCHeader, SYSCALL_TABLE } from '@k5/abi';
import type { Command } from 'commander';
import { type CliIo, colorsFor } from '../io';
import { textTable as table } from '../text-table';

/** Adds `k5 abi` and its subcommands to a program. */
export function addAbiCommand(program: Command, io: CliIo): void {
  const abi = program.command('abi').description('show the kernel/task contract (@k5/abi)');

  abi
    .command('header')
    .description('print the C header for machine-code tasks')
    .action(() => {
      io.out(generateCHeader());
    });

  abi
    .command('syscalls')
    .description('list the syscalls and their numbers')
    .option('--json', 'print JSON instead of a table')
    .action((options: { json?: boolean }) => {
      if (options.json) {
        io.out(
          `${JSON.stringify(SYSCALL_TABLE.map((s) => ({ name: s.name, number: s.number })))}\n`,
        );
        return;
      }
      const c = colorsFor(io);
      io.out(
        table([
          [c.bold('number'), c.bold('syscall')],
          ...SYSCALL_TABLE.map((s) => [String(s.number), s.name]),
        ]),
      );
    });

  abi
    .command('errors')
    .description('list the kernel error codes')
    .option('--json', 'print JSON instead of a table')
    .action((options: { json?: boolean }) => {
      if (options.json) {
        io.out(`${JSON.stringify(ERROR_TABLE.map((e) => ({ name: e.name, code: e.code })))}\n`);
        return;
      }
      const c = colorsFor(io);
      io.out(
        table([
          [c.bold('code'), c.bold('error')],
          ...ERROR_TABLE.map((e) => [String(e.code), e.name]),
        ]),
      );
    });
}
