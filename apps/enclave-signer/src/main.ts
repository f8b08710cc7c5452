// `npm start`: runs the enclave signer on ARMv8-M and RISC-V (or the boards named with
// `--board`) and prints, per board, what the demo shows. `--trace file.json` also writes boot 1's
// kernel trace in the Chrome/Perfetto format (one file per board: file.<board>.json).
import { writeFileSync } from 'node:fs';
import { toChromeTrace } from '@k5/kernel';
import { BOARDS, type BoardName, supportsEnclaves } from './boards';
import { runDemo } from './demo';
import { reportLines } from './report';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const traceFile = option('--trace');
const boardArg = option('--board');
const boards: BoardName[] =
  boardArg === undefined ? ['armv8m', 'riscv'] : (boardArg.split(',') as BoardName[]);
if (args.length > 0 || boards.some((b) => !BOARDS.includes(b))) {
  console.error(`usage: npm start -- [--board ${BOARDS.join('|')}[,...]] [--trace file.json]`);
  process.exit(2);
}

console.log(
  'K5 enclave signer: a key-holding enclave signs for ordinary tasks; a rogue task probes it; it crashes, restarts and unseals its key; a rebuilt enclave cannot\n',
);
let failed = false;
for (const board of boards) {
  if (!supportsEnclaves(board)) {
    console.log(`== ${board}: this port does not support enclaves yet ==\n`);
    failed = true;
    continue;
  }
  const result = await runDemo({ board });
  for (const line of reportLines(result)) console.log(line);
  if (traceFile) {
    const file = traceFile.replace(/(\.json)?$/, `.${board}.json`);
    const chrome = toChromeTrace(result.first.trace, {
      processName: `K5 enclave-signer (${board})`,
      threadName: (id) => result.first.names.get(id),
    });
    writeFileSync(file, JSON.stringify(chrome));
    console.log(`trace written to ${file} (open it in https://ui.perfetto.dev)`);
  }
  console.log('');
}
process.exitCode = failed ? 1 : 0;
