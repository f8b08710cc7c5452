/* The client: started with r0 = rounds and r1 = its badge. Each round keeps values live in
   registers and on the stack across a Call to the server (endpoint slot 1), checks the answer
   (a * b + badge) and that its own values survived, then logs "ok", the rounds that passed
   and the rounds it ran, and blocks for good on endpoint slot 2, which nobody sends to. */
#include "k5-thumb.h"

#define SERVER 1u
#define PARK 2u
#define LABEL_MULTIPLY 1u

__attribute__((section(".text.start"), noreturn)) void _start(uint32_t rounds, uint32_t badge) {
  uint32_t passed = 0;
  uint32_t x = 0x9e3779b9u;
  for (uint32_t n = 1; n <= rounds; n++) {
    x = x * 1664525u + 1013904223u;
    uint32_t a = n;
    uint32_t b = x >> 20;
    uint32_t before = (a ^ b) + (x << 3);
    k5_slots_t r = k5_call2(SERVER, k5_info(LABEL_MULTIPLY, 2), a, b);
    uint32_t after = (a ^ b) + (x << 3);
    if (r.slot[2] == a * b + badge && before == after) passed++;
  }
  k5_log(2, 10, 0x00006b6fu | (passed << 16), (passed >> 16) | (rounds << 16), rounds >> 16, 0);
  for (;;) k5_recv(PARK, 0);
}
