/* The server: waits on endpoint slot 1 with its reply object in slot 2 and answers each
   request (label 1, MR0 = a, MR1 = b) with MR0 = a * b + badge, the badge the caller's
   capability was minted with. Any other label gets MR0 = 0. */
#include "k5-thumb.h"

#define ENDPOINT 1u
#define REPLY 2u
#define LABEL_MULTIPLY 1u

__attribute__((section(".text.start"), noreturn)) void _start(void) {
  k5_slots_t m = k5_recv(ENDPOINT, REPLY);
  for (;;) {
    uint32_t answer = 0;
    if (k5_msginfo_label(m.slot[1]) == LABEL_MULTIPLY) answer = m.slot[2] * m.slot[3] + m.slot[0];
    m = k5_reply_recv1(ENDPOINT, k5_info(0, 1), answer, REPLY);
  }
}
