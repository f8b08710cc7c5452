/**
 * `@k5/cli`: the `k5` command as a library: build or run the program with your own I/O.
 *
 * @packageDocumentation
 */

export { colorsFor, shouldColor } from './io';
export { createProgram, ExitCode, runCli } from './program';

export type { CliIo, Colors } from './io';
