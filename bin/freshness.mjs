// Whether dist/ (scripts/build.mjs) still matches src/: the build records the newest source
// mtime it compiled; any later edit makes dist/ stale.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export function newestSourceMtime(root) {
  let newest = statSync(path.join(root, 'package.json')).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  walk(path.join(root, 'src'));
  return newest;
}

export function distIsFresh(root) {
  try {
    return Number(readFileSync(path.join(root, 'dist/STAMP'), 'utf8')) >= newestSourceMtime(root);
  } catch {
    return false;
  }
}
