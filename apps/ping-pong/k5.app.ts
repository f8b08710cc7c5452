// The module the k5 CLI loads for `k5 <command> apps/ping-pong` (see docs/cli.md).
export { app } from './src/app';
