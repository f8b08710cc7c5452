// A firmware-shaped C++ program whose symbols and DWARF look like what defmt's Rust macros
// produce: one-byte statics in `.defmt.<prefix>.<n>` input sections, named with the JSON symbol
// (an asm label), `DEFMT_LOG_STATEMENT` variables inside namespaces that play the role of Rust
// modules and functions, bitflags values as 16-byte statics in `.defmt.end`, and the version and
// encoding marker symbols. Built by ../make-fixtures.sh; the macros below are ours.

#ifndef DEFMT_VERSION
#define DEFMT_VERSION "4"
#endif
#ifndef DEFMT_ENCODING
#define DEFMT_ENCODING "rzcobs"
#endif

#define JSON(tag, data, dis)                                                                       \
  "{\"package\":\"app\",\"tag\":\"defmt_" tag "\",\"data\":\"" data "\",\"disambiguator\":\"" dis \
  "\",\"crate_name\":\"app\"}"

// A log statement: the variable's name is what the decoder looks for in DWARF, its linkage name
// (the asm label) is the symbol.
#define LOG_STATEMENT(sect, tag, data, dis)                                                     \
  __attribute__((used, section(sect))) unsigned char DEFMT_LOG_STATEMENT __asm__(               \
      JSON(tag, data, dis)) = 0

// Any other interned string (the Rust macros name these statics differently).
#define INTERNED(var, sect, tag, data, dis)                                                     \
  __attribute__((used, section(sect))) unsigned char var __asm__(JSON(tag, data, dis)) = 0

typedef unsigned long long u64;

// A bitflags value: 16 bytes, little-endian u128 as Rust lays it out on these targets; the byte
// order is fixed here (not the target's) because the decoder always reads it little-endian.
struct u128le {
  unsigned char b[16];
};
#define U128(lo, hi)                                                                               \
  {{(unsigned char)(lo), (unsigned char)((lo) >> 8), (unsigned char)((lo) >> 16),                 \
    (unsigned char)((lo) >> 24), (unsigned char)((lo) >> 32), (unsigned char)((lo) >> 40),         \
    (unsigned char)((lo) >> 48), (unsigned char)((lo) >> 56), (unsigned char)(hi),                 \
    (unsigned char)((hi) >> 8), (unsigned char)((hi) >> 16), (unsigned char)((hi) >> 24),          \
    (unsigned char)((hi) >> 32), (unsigned char)((hi) >> 40), (unsigned char)((hi) >> 48),         \
    (unsigned char)((hi) >> 56)}}
#define BITFLAGS_VALUE(var, data, dis, lo, hi)                                                     \
  __attribute__((used, section(".defmt.end"), aligned(16))) struct u128le var __asm__(            \
      JSON("bitflags_value", data, dis)) = U128((u64)(lo), (u64)(hi))

__attribute__((used, section(".defmt.end"))) unsigned char defmt_version __asm__(
    "_defmt_version_ = " DEFMT_VERSION) = 0;
__attribute__((used, section(".defmt.end"))) unsigned char defmt_encoding __asm__(
    "_defmt_encoding_ = " DEFMT_ENCODING) = 0;

// Primitive formats, placed first by the linker script.
INTERNED(prim_u8, ".defmt.prim.1", "prim", "{=u8}", "101");
INTERNED(prim_str, ".defmt.prim.2", "prim", "{=str}", "102");

namespace app {
namespace sensor {
namespace read {
LOG_STATEMENT(".defmt.info.1", "info", "temperature: {=i16} (raw {=u16:#x})", "1");
}  // namespace read
namespace calibrate {
LOG_STATEMENT(".defmt.debug.2", "debug", "calibrating {=u8} samples", "2");
}  // namespace calibrate
}  // namespace sensor

namespace main {
namespace tick {
LOG_STATEMENT(".defmt.trace.3", "trace", "tick", "3");
}  // namespace tick
namespace report {
LOG_STATEMENT(".defmt.println.4", "println", "quote \\\" and at \\u0040 sign", "4");
}  // namespace report
}  // namespace main

namespace net {
namespace send {
LOG_STATEMENT(".defmt.warn.5", "warn", "retry {=u32}", "5");
}  // namespace send
namespace fail {
LOG_STATEMENT(".defmt.error.6", "error", "link down: {=?}", "6");
}  // namespace fail
}  // namespace net
}  // namespace app

// Derived and written formats, strings, bitflags, the timestamp and a third-party tag. `@` is
// escaped in symbol names (as defmt does): assemblers read it as a symbol-version separator.
INTERNED(derived_point, ".defmt.7", "derived", "Point {{ x: {=i32}, y: {=i32} }}", "7");
INTERNED(write_state, ".defmt.8", "write", "State::{=u8}", "8");
INTERNED(str_hello, ".defmt.9", "str", "hello", "9");
INTERNED(bitflags_fmt, ".defmt.10", "bitflags", "{=u8:__internal_bitflags_Flags\\u0040app\\u004010\\u0040app}", "10");
INTERNED(timestamp_fmt, ".defmt.timestamp.11", "timestamp", "{=u64:us}", "11");
__attribute__((used, section(".defmt.12"))) unsigned char custom __asm__(
    "{\"package\":\"app\",\"tag\":\"acme_custom\",\"data\":\"ignored\",\"disambiguator\":\"12\","
    "\"crate_name\":\"app\"}") = 0;

// Stored out of definition order: the decoder sorts them by the index in their data.
BITFLAGS_VALUE(flag_c, "Flags::2::C", "10", 0, 0x8000000000000000ull);
BITFLAGS_VALUE(flag_a, "Flags::0::A", "10", 1, 0);
BITFLAGS_VALUE(flag_b, "Flags::1::B", "10", 2, 0);

// A log statement outside any namespace, after one closed: defmt-decoder keeps the last module.
LOG_STATEMENT(".defmt.info.13", "info", "outside", "13");

extern "C" {
volatile unsigned counter;
void _start(void) {
  for (;;) counter = counter + 1;
}
}
