// Loader hooks behind FLEETSTORM_TRACE_MODULES=<file> (bin/fleetstorm.js): every module URL the
// ESM loader loads is appended to <file>, one a line. test/integration/lean/ reads it to check
// that a command loads only what it uses (issue 14). Runs on Node's loader thread.
import { appendFileSync } from 'node:fs';

let file = '';

export function initialize(data) {
  file = data.file;
}

export async function load(url, context, next) {
  appendFileSync(file, `${url}\n`);
  return next(url, context);
}
