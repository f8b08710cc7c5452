// The app layer: typed manifests, their validation and memory plan, and booting from them.
export { bootApp } from './boot-app';
export type { AppRunOptions, AppSystem, AppTask, BootAppOptions } from './boot-app';
export { AppBootError, ManifestError } from './errors';
export type { AppBootErrorCode } from './errors';
export { planAppMemory } from './layout';
export type { AppBlock, AppBlockKind, AppMemoryPlan } from './layout';
export type {
  AppManifest,
  ManifestAccess,
  ManifestBoard,
  ManifestCap,
  ManifestMapping,
  ManifestProblem,
  ManifestRegion,
  ManifestRight,
  ManifestTask,
} from './manifest';
export { checkManifest, MAX_BADGE, validateManifest } from './validate';
