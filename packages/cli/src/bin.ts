#!/usr/bin/env node
// The `k5` executable: real process streams and exit code around runCli. Paths are resolved from
// the directory the user ran the command in (npm scripts run in the package directory and keep
// the original one in INIT_CWD).
import { shouldColor } from './io';
import { runCli } from './program';

runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  color: shouldColor(process.env, process.stdout.isTTY === true),
  progress: process.stderr.isTTY === true,
  cwd: process.env.INIT_CWD ?? process.cwd(),
}).then((code) => {
  process.exitCode = code;
});
