#!/usr/bin/env node
// fleetstorm runs its TypeScript sources directly through tsx's loader, so `npm ci` is the
// whole install: no build step can go stale. Worker threads and agent processes load the
// same way (see src/hosts).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
// Everything the command owned is closed by now; should a stray handle (a socket a broker never
// closed) keep the loop alive, leave anyway rather than hang a CI job.
setTimeout(() => process.exit(), 3000).unref();
