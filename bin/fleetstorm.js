#!/usr/bin/env node
// fleetstorm runs the compiled dist/ when it is up to date with src/ (npm ci builds it), and
// otherwise loads the TypeScript sources through tsx, so an edit is never hidden by a stale
// build. FLEETSTORM_FROM_SOURCE=1 forces the sources. Worker threads and agent processes load
// the same way as this process (see src/hosts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { distIsFresh } from './freshness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
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
