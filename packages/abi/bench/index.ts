// Benchmarks of @k5/abi: placeholder figure proving the harness until the ABI lands.
import { runBenchmarks } from '@k5/bench';
import { PACKAGE_NAME } from '../src/index';

let sink = 0;
await runBenchmarks('@k5/abi', [
  {
    name: 'harness/self-check',
    unit: 'ops/s',
    run: () => {
      sink += PACKAGE_NAME.length;
    },
    baseline: () => {
      sink += 1;
    },
  },
]);
if (sink < 0) console.log(sink);
