/* The faulter: started with r0 = an address outside its regions. It stores there, which the
   MPU refuses; the kernel sends the fault to its fault endpoint and it never runs again. Were
   the store allowed, it would log "escaped". */
#include "k5-thumb.h"

__attribute__((section(".text.start"), noreturn)) void _start(volatile uint32_t *target) {
  *target = 0x6b35u;
  k5_log(1, 7, 0x61637365u, 0x00646570u, 0, 0);
  for (;;) k5_yield();
}
