/**
 * `@k5/defmt`: A defmt log decoder and encoder, byte-compatible with the Rust defmt-decoder and
 * defmt-print, for Node and browsers.
 *
 * @packageDocumentation
 */

export {
  bitflagsKey,
  DefmtElfError,
  defmtTagOf,
  defmtVersionOf,
  findDefmtTable,
  formatDefmtSymbol,
  hasCompleteLocations,
  loadDefmtLocations,
  loadDefmtTable,
  parseDefmtSymbol,
  SUPPORTED_DEFMT_VERSIONS,
  writeDefmtElf,
} from './elf/index';
export { DefmtError } from './errors';
export { parseDisplayHint } from './format/hint';
export { parseFormatString } from './format/parser';
export { FormatCache, wireOrder } from './frame/compiled';
export { FrameDecoder } from './frame/decoder';
export { levelName, levelOfTag } from './frame/level';
export { FrameEncoder } from './encode/encoder';
export { TableBuilder } from './encode/table-builder';
export { shouldColorize } from './log/ansi';
export { hasTimestamp, parseLogFormat } from './log/format-parser';
export { LogFormatter, presetFormat } from './log/formatter';
export { JSON_SCHEMA_LINE, jsonFrameLine } from './log/json';
export { DefmtPrinter, SKIPPED_FRAME_NOTE } from './log/printer';
export { formatCbor } from './print/cbor';
export { FrameDisplay } from './print/display';
export { formatF32, formatF64 } from './print/float';
export { debugStr } from './print/rust-fmt';
export { StreamDecoder } from './stream/decoder';
export {
  RzcobsEncoder,
  rzcobsDecode,
  rzcobsDecodeInto,
  rzcobsEncode,
} from './stream/rzcobs';
export { SerialFramer } from './stream/serial';

export type {
  DefmtElfErrorCode,
  DefmtSymbol,
  LoadDefmtTableOptions,
  WriteDefmtElfOptions,
} from './elf/index';
export type { DefmtErrorCode } from './errors';
export type { DisplayHint, TimePrecision } from './format/hint';
export type { Fragment, Parameter, ParamType } from './format/parser';
export type { CompiledFormat } from './frame/compiled';
export type { DecodedFrame, DecodeOutcome } from './frame/decoder';
export type { Level } from './frame/level';
export type { Arg, FormatSliceElement, Frame, IntValue } from './frame/types';
export type { EncodeValue, FormatSliceValue, NestedValue } from './encode/encoder';
export type { TableBuilderOptions } from './encode/table-builder';
export type { LogFormatterOptions, LogRecord } from './log/formatter';
export type { DefmtPrinterOptions, PrinterOutput } from './log/printer';
export type {
  ColorName,
  LogColor,
  LogFormat,
  LogMetadata,
  LogSegment,
  LogStyle,
} from './log/segments';
export type { TextFrame } from './print/text-decoder';
export type {
  StreamDecoderOptions,
  StreamEvent,
  StreamProblem,
  TextStreamEvent,
} from './stream/decoder';
export type { SerialPart } from './stream/serial';
export type {
  BitflagValue,
  DefmtTable,
  DefmtTag,
  Location,
  TableEntry,
} from './table/types';

/** The npm name of this package. */
export const PACKAGE_NAME = '@k5/defmt';

/** Wire-format versions this decoder reads (as defmt-decoder's `DEFMT_VERSIONS`). */
export const DEFMT_VERSIONS: readonly string[] = ['3', '4'];
