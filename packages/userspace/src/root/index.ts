// Root-task helpers: boot bookkeeping and spawning children.
export { loadEnclave, spawnEnclaveThread } from './enclave';
export type { EnclavePlan, EnclaveThreadPlan, LoadedEnclave } from './enclave';
export { expectOk, RootTaskError } from './errors';
export { RootEnv } from './root-env';
export type { RootEnvOptions } from './root-env';
export { spawn } from './spawn';
export type { Child, ChildCap, ChildPlan, ChildRegion } from './spawn';
