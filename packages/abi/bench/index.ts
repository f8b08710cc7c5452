// Benchmarks of @k5/abi: message-info packing, the one ABI operation on every syscall's hot path,
// beside a baseline that only adds the fields.
import { runBenchmarks } from '@k5/bench';
import { encodeMessageInfo, messageInfoLabel, messageInfoLength } from '../src/index';

let sink = 0;
await runBenchmarks('@k5/abi', [
  {
    name: 'message-info/encode-decode',
    unit: 'ops/s',
    perCall: 1000,
    run: () => {
      for (let i = 0; i < 1000; i++) {
        const w = encodeMessageInfo(i, i & 63, 1, 0);
        sink += messageInfoLabel(w) + messageInfoLength(w);
      }
    },
    baseline: () => {
      for (let i = 0; i < 1000; i++) sink += i + (i & 63);
    },
  },
]);
if (sink < 0) console.log(sink);
