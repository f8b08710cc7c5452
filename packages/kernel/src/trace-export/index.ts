// Trace export: the timeline model and the Chrome/Perfetto format.
export { toChromeTrace } from './chrome';
export type { ChromeTrace, ChromeTraceEvent, ChromeTraceOptions } from './chrome';
export { buildTimeline } from './timeline';
export type {
  Timeline,
  TimelineLane,
  TimelineMark,
  TimelineMarkKind,
  TimelineOptions,
  TimelineSlice,
} from './timeline';
