import { encodeMessageInfo, type HostTask, ObjectType, Rights, Syscall } from '@k5/abi';
import { Sys, tcbResume } from '@k5/userspace';
import { bootRiscvSystem, type RiscvSystem } from './src/index';
import * as a from './test/asm';
import { PC, RISCV_REGISTERS, RootEnv, spawn } from './test/kernel/fixture';
const EP = 1,
  REPLY = 2;
const server: HostTask = function* (ctx) {
  const sys = new Sys(ctx);
  yield* sys.recv(EP, REPLY);
  for (;;) {
    sys.setMR(0, sys.getMR(0) + 1);
    yield* sys.replyRecv(EP, encodeMessageInfo(0, 1), REPLY);
  }
};
let system!: RiscvSystem;
system = bootRiscvSystem({
  programs: { server },
  root: (boot) =>
    function* (ctx) {
      const env = new RootEnv(new Sys(ctx), boot);
      const ep = yield* env.retype(ObjectType.Endpoint, 0);
      const reply = yield* env.retype(ObjectType.Reply, 0);
      const s = yield* spawn(env, {
        entry: boot.programs.server!,
        priority: 150,
        caps: [
          { slot: EP, from: ep, rights: Rights.Read },
          { slot: REPLY, from: reply, rights: Rights.All },
        ],
      });
      yield* tcbResume(env.sys, s.tcb);
      const c = yield* spawn(env, {
        priority: 100,
        caps: [{ slot: EP, from: ep, rights: Rights.Write | Rights.GrantReply }],
        regions: [{ sizeBits: 10, rights: Rights.Read }],
        beforeStart: ([code]) => {
          system.runner.load(
            code!,
            a.assemble([
              a.addi(10, 0, EP),
              a.addi(11, 0, encodeMessageInfo(0, 1)),
              a.addi(16, 0, 0),
              a.addi(17, 0, Syscall.Call),
              a.ecall(),
              a.addi(12, 12, 0),
              a.jal(0, -24),
            ]),
          );
          const r = new Array<number>(RISCV_REGISTERS).fill(0);
          r[PC] = code!;
          return r;
        },
      });
      yield* tcbResume(env.sys, c.tcb);
    },
});
system.run({ maxSteps: 5000 });
for (let k = 0; k < 3; k++) {
  const t0 = performance.now();
  const before = system.runner.stats.syscalls;
  for (let i = 0; i < 50; i++) system.run({ maxSteps: 20000 });
  const n = system.runner.stats.syscalls - before;
  console.log('ns/roundtrip', (((performance.now() - t0) * 1e6) / n).toFixed(0), n);
}
