import { describe, expect, it } from 'vitest';
import {
  ExceptionNumber,
  ICSR_PENDSVSET,
  ICSR_RETTOBASE,
  IRQ_BASE,
  NVIC_ICER0,
  NVIC_IPR0,
  NVIC_ISER0,
  NVIC_ISPR0,
  NVIC_STIR,
  Nvic,
  SCB_AIRCR,
  SCB_ICSR,
  SCB_SHCSR,
  SCB_SHPR3,
  SHCSR_MEMFAULTENA,
  SHCSR_USGFAULTENA,
} from './nvic';

const irq = (n: number) => IRQ_BASE + n;

function withPending(prigroup: number, priorities: number[]): Nvic {
  const nvic = new Nvic({ irqs: 64, priorityBits: 8 });
  nvic.write(SCB_AIRCR, 0x05fa0000 | (prigroup << 8));
  priorities.forEach((p, i) => {
    nvic.setPriority(irq(i), p);
    nvic.setEnabled(irq(i), true);
    nvic.setPending(irq(i), true);
  });
  return nvic;
}

describe('NVIC registers', () => {
  it('keeps only the implemented top priority bits (3 bits: 0xff -> 0xe0)', () => {
    const nvic = new Nvic({ irqs: 32, priorityBits: 3 });
    nvic.setPriority(irq(5), 0xff);
    expect(nvic.priorityOf(irq(5))).toBe(0xe0);
    // NVIC_IPR1 (0xe000e404) holds IRQs 4..7; IRQ 5 is byte 1.
    expect(nvic.read(NVIC_IPR0 + 4)).toBe(0x0000e000);
    nvic.write(NVIC_IPR0, 0x12345678);
    expect(nvic.read(NVIC_IPR0)).toBe(0x00204060); // each byte & 0xe0
  });

  it('ISER/ICER set and clear enable bits; ISPR/STIR pend', () => {
    const nvic = new Nvic({ irqs: 64 });
    nvic.write(NVIC_ISER0, 0x5);
    expect(nvic.read(NVIC_ICER0)).toBe(0x5);
    nvic.write(NVIC_ICER0, 0x1);
    expect(nvic.read(NVIC_ISER0)).toBe(0x4);
    nvic.write(NVIC_STIR, 33);
    expect(nvic.read(NVIC_ISPR0 + 4)).toBe(0x2); // ISPR1 bit 1 = IRQ 33
  });

  it('AIRCR needs VECTKEY and reads back VECTKEYSTAT', () => {
    const nvic = new Nvic({ irqs: 8 });
    nvic.write(SCB_AIRCR, 0x00000500);
    expect(nvic.priorityGroup).toBe(0);
    nvic.write(SCB_AIRCR, 0x05fa0500);
    expect(nvic.read(SCB_AIRCR)).toBe(0xfa050500);
    expect(nvic.groupMask).toBe(0xc0); // PRIGROUP 5: group = bits [7:6]
  });

  it('SHPR3 holds PendSV in byte 2 and SysTick in byte 3; ICSR pends PendSV', () => {
    const nvic = new Nvic({ irqs: 8, priorityBits: 8 });
    nvic.write(SCB_SHPR3, 0xe0c00000);
    expect(nvic.priorityOf(ExceptionNumber.PendSV)).toBe(0xc0);
    expect(nvic.priorityOf(ExceptionNumber.SysTick)).toBe(0xe0);
    nvic.write(SCB_ICSR, ICSR_PENDSVSET);
    // VECTPENDING = 14 in bits [20:12]; no exception active, so RETTOBASE reads 1.
    expect(nvic.read(SCB_ICSR)).toBe((ICSR_PENDSVSET | (14 << 12) | ICSR_RETTOBASE) >>> 0);
  });
});

describe('exception selection', () => {
  it.each([
    ['lower priority value wins', 0, [0x40, 0x20], irq(1)],
    ['same group: lower subpriority wins', 5, [0x60, 0x40], irq(1)],
    ['same priority: lower number wins', 0, [0x40, 0x40], irq(0)],
    ['group first, then sub (PRIGROUP 5: 0x3f is group 0x00)', 5, [0x40, 0x3f], irq(1)],
  ])('%s', (_name, prigroup, priorities, expected) => {
    expect(withPending(prigroup, priorities).highestPending()).toBe(expected);
  });

  it.each([
    // PRIGROUP 5 (group = bits [7:6]): 0x20 is group 0x00, active 0x40 is group 0x40: preempts.
    [5, 0x40, 0x20, true],
    // PRIGROUP 6 (group = bit 7): both are group 0x00: no preemption, whatever the subpriority.
    [6, 0x40, 0x20, false],
    [0, 0x40, 0x40, false],
    [0, 0x40, 0x3e, true],
  ])('PRIGROUP %i, active %s, pending %s preempts: %s', (prigroup, active, pending, preempts) => {
    const nvic = withPending(prigroup, [active, pending]);
    nvic.acknowledge(irq(0));
    expect(nvic.preemptingException()).toBe(preempts ? irq(1) : undefined);
  });

  it('BASEPRI, PRIMASK and FAULTMASK boost the execution priority', () => {
    const nvic = withPending(0, [0x40, 0x60, 0x20]);
    expect(nvic.preemptingException({ basepri: 0x40 })).toBe(irq(2));
    nvic.setPending(irq(2), false);
    expect(nvic.preemptingException({ basepri: 0x40 })).toBeUndefined();
    expect(nvic.preemptingException({ primask: 1 })).toBeUndefined();
    nvic.setPending(ExceptionNumber.NMI, true);
    expect(nvic.preemptingException({ primask: 1 })).toBe(ExceptionNumber.NMI);
    nvic.setPending(ExceptionNumber.NMI, false);
    nvic.setPending(ExceptionNumber.HardFault, true);
    expect(nvic.preemptingException({ primask: 1 })).toBe(ExceptionNumber.HardFault);
    expect(nvic.preemptingException({ faultmask: 1 })).toBeUndefined();
  });

  it('tail-chains into a pending exception on return instead of unstacking', () => {
    const nvic = withPending(0, [0x20, 0x80]);
    nvic.setPending(irq(1), false);
    nvic.acknowledge(irq(0));
    nvic.setPending(irq(1), true); // arrives while IRQ 0 runs; lower priority, waits
    expect(nvic.preemptingException()).toBeUndefined();
    expect(nvic.complete(irq(0))).toBe(irq(1));
    nvic.acknowledge(irq(1));
    expect(nvic.complete(irq(1))).toBeUndefined();
  });

  it('late arrival: a higher-priority exception pended during stacking is taken first', () => {
    const nvic = withPending(0, [0x80]);
    expect(nvic.preemptingException()).toBe(irq(0)); // stacking starts for IRQ 0
    nvic.setPriority(irq(1), 0x10);
    nvic.setEnabled(irq(1), true);
    nvic.setPending(irq(1), true);
    const taken = nvic.preemptingException(); // asked again at the vector fetch
    expect(taken).toBe(irq(1));
    nvic.acknowledge(irq(1));
    expect(nvic.state(irq(0)).pending).toBe(true);
    expect(nvic.complete(irq(1))).toBe(irq(0)); // then tail-chains into IRQ 0
  });

  it('a disabled interrupt stays pending but is never selected', () => {
    const nvic = withPending(0, [0x40]);
    nvic.setEnabled(irq(0), false);
    expect(nvic.highestPending()).toBeUndefined();
    expect(nvic.state(irq(0))).toEqual({ enabled: false, pending: true, active: false });
  });
});

describe('synchronous faults and SHCSR', () => {
  it('a disabled MemManage escalates to HardFault; enabled, it is taken', () => {
    const nvic = new Nvic({ irqs: 8, priorityBits: 8 });
    expect(nvic.raiseSynchronous(ExceptionNumber.MemManage)).toEqual({
      kind: 'escalated',
      exception: ExceptionNumber.HardFault,
    });
    // SHCSR.MEMFAULTENA is bit 16; HardFault is now pending but has no SHCSR pending bit.
    nvic.write(SCB_SHCSR, SHCSR_MEMFAULTENA);
    expect(nvic.read(SCB_SHCSR)).toBe(0x10000);
    expect(nvic.raiseSynchronous(ExceptionNumber.MemManage)).toEqual({
      kind: 'taken',
      exception: 4,
    });
    // MEMFAULTPENDED is bit 13.
    expect(nvic.read(SCB_SHCSR)).toBe(0x12000);
  });

  it('a fault that cannot preempt escalates, and a fault in HardFault locks up', () => {
    const nvic = new Nvic({ irqs: 8, priorityBits: 8 });
    nvic.write(SCB_SHCSR, SHCSR_USGFAULTENA);
    nvic.setPriority(ExceptionNumber.UsageFault, 0x80);
    nvic.setPriority(irq(0), 0x40);
    nvic.acknowledge(irq(0)); // running an ISR of priority 0x40
    expect(nvic.raiseSynchronous(ExceptionNumber.UsageFault).kind).toBe('escalated');
    nvic.acknowledge(ExceptionNumber.HardFault);
    expect(nvic.raiseSynchronous(ExceptionNumber.UsageFault).kind).toBe('lockup');
  });
});
