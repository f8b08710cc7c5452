#!/usr/bin/env node
// The `k5` executable: real process streams and exit code around runCli.
import { shouldColor } from './io';
import { runCli } from './program';

runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  color: shouldColor(process.env, process.stdout.isTTY === true),
}).then((code) => {
  process.exitCode = code;
});
