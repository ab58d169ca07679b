#!/usr/bin/env node
// fleetstorm runs the compiled dist/ when it is up to date with src/ (npm ci builds it), and
// otherwise loads the TypeScript sources through tsx, so an edit is never hidden by a stale
// build. FLEETSTORM_FROM_SOURCE=1 forces the sources. Worker threads and agent processes load
// the same way as this process (see src/hosts).
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { distIsFresh } from './freshness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Keep V8's young generation at its starting size: loading the CLI's modules survives every
// scavenge, which V8 reads as a reason to double the semi-spaces up to 2 × 16 MB, resident for the
// rest of the process and mostly idle (a command, or a run whose load is a handful of clients).
// Local agent processes get the same through --max-semi-space-size=1 (src/hosts/process-host.ts).
// A user who sets the young generation in NODE_OPTIONS keeps it.
if (!/semi[-_]space/.test(process.env.NODE_OPTIONS ?? '') && !process.execArgv.some((a) => /semi[-_]space/.test(a))) {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
// FLEETSTORM_TRACE_MODULES=<file>: record every module loaded (tests of what a command loads).
if (process.env.FLEETSTORM_TRACE_MODULES) {
  const { register } = await import('node:module');
  register('./trace-modules.mjs', import.meta.url, { data: { file: process.env.FLEETSTORM_TRACE_MODULES } });
}
let main;
if (process.env.FLEETSTORM_FROM_SOURCE !== '1' && distIsFresh(root)) {
  ({ main } = await import('../dist/src/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
await main(process.argv);
// Everything the command owned is closed by now; should a stray handle (a socket a broker never
// closed) keep the loop alive, leave anyway rather than hang a CI job.
setTimeout(() => process.exit(), 3000).unref();
