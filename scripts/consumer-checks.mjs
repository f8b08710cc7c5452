// What the consumer projects do with the installed packages: call real functions and check
// their results. Kept apart so that the ESM and CJS projects run the same checks.
import assert from 'node:assert/strict';

export function kernel(kernel, abi) {
  // The ABI's message-info word round-trips.
  const info = abi.encodeMessageInfo(0x123, 4, 1);
  assert.equal(abi.messageInfoLabel(info), 0x123);
  assert.equal(abi.messageInfoLength(info), 4);
  // A system boots, its root task runs a Yield and exits, and the kernel's invariants hold.
  let ran = false;
  const system = kernel.bootSystem({
    root: (boot) =>
      function* (ctx) {
        assert.ok(boot.untyped.length > 0, 'the root task receives untyped memory');
        ctx.setRegister(ctx.convention.numberRegister, abi.Syscall.Yield);
        yield abi.HOST_TRAP_SYSCALL;
        ran = true;
      },
  });
  const result = system.run({ checkInvariants: true });
  assert.equal(result.reason, 'idle');
  assert.ok(ran, 'the root task ran to its end');
  assert.deepEqual(system.kernel.checkInvariants(), []);
}

export function defmt(defmt) {
  // Build a table, encode a frame as firmware would, decode and format it.
  const builder = new defmt.TableBuilder({ encoding: 'rzcobs' });
  const index = builder.log('info', 'x={=u8} y={=i16:#x} {=str}');
  const table = builder.build();
  const bytes = new defmt.FrameEncoder(table).encode(index, [7, -2, 'ok']);
  const decoder = new defmt.StreamDecoder(table);
  const events = decoder.decode(bytes);
  assert.equal(events.length, 1);
  assert.equal(events[0].kind, 'frame');
  const display = new defmt.FrameDisplay(table, decoder.frames.formats);
  assert.equal(display.message(events[0].frame), 'x=7 y=0xfffe ok');
}
