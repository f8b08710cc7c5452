/* A C client task for the kernel scenario in c-task.test.ts. Started with a0 = a result area
   in its own region, a1 = an address its PMP does not grant, sp = the top of its region. It
   calls the TypeScript server on endpoint slot 1 with four MRs, stores the reply, and then
   writes to the forbidden address, which must arrive at its fault endpoint as a VM fault. */
#include "k5-riscv.h"

#define SERVER_EP 1u
#define LABEL_SUM 7u

/* FNV-1a over the four words sent, so the server's answer can be checked here too. */
static uint32_t fnv(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  uint32_t words[4] = {a, b, c, d};
  uint32_t h = 2166136261u;
  for (int i = 0; i < 4; i++) {
    h ^= words[i];
    h *= 16777619u;
  }
  return h;
}

__attribute__((section(".text.start"), noreturn)) void _start(volatile uint32_t *out,
                                                              volatile uint32_t *forbidden) {
  uint32_t mr[4];
  for (uint32_t i = 0; i < 4; i++) mr[i] = (i + 1) * 0x101u;
  k5_msg_t r = k5_call(SERVER_EP, k5_msginfo(LABEL_SUM, 4), mr[0], mr[1], mr[2], mr[3]);
  out[0] = r.info;
  out[1] = r.mr[0];
  out[2] = r.mr[1];
  out[3] = fnv(mr[0], mr[1], mr[2], mr[3]) == r.mr[1] ? 1u : 0u;
  *forbidden = r.mr[0];
  for (;;) k5_yield();
}
