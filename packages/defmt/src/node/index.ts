/**
 * `@k5/defmt/node`: the Node-only part of `@k5/defmt` — the `k5-defmt` command as a function.
 *
 * @packageDocumentation
 */

export { CLI_VERSION, main } from './main';

export type { CliIo, TextSink } from './main';
