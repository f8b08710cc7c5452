/* The riscv-echo client: RV32IMAC machine code on the reference hart. Started with a0 = the
   number of echoes to send, sp = the top of its region, endpoint slot 1 = the TypeScript
   server (badged by the root task) and slot 2 = its own TCB. It sends each payload with Call,
   checks the server's reply against its own FNV-1a of the words, logs through defmt, and
   suspends itself when done. */
#define K5_DEFMT_PACKAGE "riscv-echo"
#define K5_DEFMT_CRATE "echo_client"
#include "k5-defmt.h"

#define SERVER_EP 1u
#define SELF_TCB 2u
#define LABEL_ECHO 1u

/* FNV-1a over two words, the server's checksum of what it echoes. */
static uint32_t fnv(uint32_t a, uint32_t b) {
  uint32_t words[2] = {a, b};
  uint32_t h = 2166136261u;
  for (int i = 0; i < 2; i++) {
    h ^= words[i];
    h *= 16777619u;
  }
  return h;
}

__attribute__((section(".text.start"), noreturn)) void _start(uint32_t rounds) {
  k5_info("client: running on the reference hart, {=u32} echoes to send", rounds);
  uint32_t verified = 0;
  for (uint32_t n = 1; n <= rounds; n++) {
    uint32_t payload = 0x6b350000u | (n * 0x111u);
    k5_debug("client: echo {=u32} sends {=u32:#010x}", n, payload);
    k5_msg_t r = k5_call(SERVER_EP, k5_msginfo(LABEL_ECHO, 2), n, payload, 0, 0);
    if (k5_msginfo_length(r.info) == 3 && r.mr[0] == n && r.mr[1] == payload &&
        r.mr[2] == fnv(n, payload)) {
      verified++;
      k5_info("client: echo {=u32} came back as {=u32:#010x}, checksum {=u32:#010x} ok", n,
              r.mr[1], r.mr[2]);
    } else {
      k5_error("client: echo {=u32} came back wrong: {=u32:#010x} {=u32:#010x}", n, r.mr[1],
               r.mr[2]);
    }
  }
  k5_info("client: {=u32} of {=u32} echoes verified, suspending", verified, rounds);
  k5_tcb_suspend(SELF_TCB);
  for (;;) k5_yield();
}
