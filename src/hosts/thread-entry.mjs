// Worker-thread entry for piscina. Loader hooks are per thread, so the worker registers tsx
// itself before importing the TypeScript task (bin/fleetstorm.js does the same for the main thread).
import { register } from 'tsx/esm/api';

register();
const { runShardTask } = await import('./thread-entry.ts');

export default runShardTask;
