// Local agent process entry (child_process.fork). Registers tsx, then runs the TypeScript side.
import { register } from 'tsx/esm/api';

register();
const { serveProcessShards } = await import('./process-entry.ts');

serveProcessShards();
