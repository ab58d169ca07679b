// Worker-thread entry when running from the TypeScript sources: loader hooks are per thread, so
// the worker registers tsx before importing the task (src/hosts/thread-entry.mjs does the same).
import { register } from 'tsx/esm/api';

register();
const { default: mintTask } = await import('./mint-task.ts');

export default mintTask;
