// Where a worker thread or agent process starts: the compiled entry in dist/ when it is up to
// date with src/ (no TypeScript loader in the new thread or process: tens of MB less each), else
// the .mjs beside the sources, which loads them through tsx.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain JavaScript module shared with bin/
import { distIsFresh } from '../../bin/freshness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// src/hosts or dist/src/hosts → the package root.
const root = here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, '../../..') : path.resolve(here, '../..');

export function hostEntry(name: 'process-entry.mjs' | 'thread-entry.mjs'): string {
  const compiled = path.join(root, 'dist/src/hosts', name);
  if (process.env.FLEETSTORM_FROM_SOURCE !== '1' && existsSync(compiled) && (distIsFresh as (r: string) => boolean)(root)) return compiled;
  return path.join(root, 'src/hosts', name);
}
