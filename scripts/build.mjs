#!/usr/bin/env node
// Compiles src/ to dist/ (plain JavaScript) so fleetstorm's processes run without a TypeScript
// loader: tsx's loader hooks run on a thread of their own, about 30-60 MB per process, and a
// distributed run has one process per 19,000 connections. Runs on `npm ci` (prepare).
// bin/fleetstorm.js uses dist/ only while it is newer than every file in src/; otherwise it
// falls back to loading src/ through tsx, so an edit is never hidden by a stale build.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestSourceMtime } from '../bin/freshness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stampedAt = newestSourceMtime(root);
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
// version.ts reads ../package.json relative to itself.
copyFileSync(path.join(root, 'package.json'), path.join(dist, 'package.json'));
// The thread and process entries are .mjs files that load TypeScript through tsx in src/; in
// dist/ they import the compiled module directly.
const hosts = path.join(dist, 'src/hosts');
mkdirSync(hosts, { recursive: true });
writeFileSync(
  path.join(hosts, 'process-entry.mjs'),
  "const { serveProcessShards } = await import('./process-entry.js');\nserveProcessShards();\n",
);
writeFileSync(
  path.join(hosts, 'thread-entry.mjs'),
  "const { runShardTask } = await import('./thread-entry.js');\nexport default runShardTask;\n",
);
// src/hosts/entry-path.ts imports ../../bin/freshness.mjs; from dist/src/hosts that is dist/bin.
mkdirSync(path.join(dist, 'bin'), { recursive: true });
copyFileSync(path.join(root, 'bin/freshness.mjs'), path.join(dist, 'bin/freshness.mjs'));
writeFileSync(path.join(dist, 'STAMP'), String(stampedAt));
