#!/usr/bin/env node
// The `k5-defmt` executable: runs `main` on the real process. Everything else lives in `main.ts`.
import { main } from './main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
