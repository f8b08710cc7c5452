/**
 * `@k5/cli`: The k5 command: run an app, stream decoded logs, export traces, explain memory-protection layouts.
 *
 * @packageDocumentation
 */

/** The npm name of this package. */
export const PACKAGE_NAME = '@k5/cli';
