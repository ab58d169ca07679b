// Dependencies point one way: folders of src/ form a chain of layers, and a file may import only
// from its own folder or from folders below it. Prints every import that points up, exits 1.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// Top to bottom: the data path (cli → coordinator → hosts → engine → client) with what serves it.
const LAYERS = [
  ['cli'],
  ['coordinator'],
  ['report'],
  ['monitor'],
  ['hosts'],
  ['engine'],
  ['client', 'broker', 'certs'],
  ['metrics', 'plan'],
  ['scenario'],
  ['gate'],
  ['result'],
  ['.'], // src/errors.ts, src/wire.ts, src/version.ts
];
const rank = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i])));
const src = path.resolve(process.argv[2] ?? 'src');

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* files(full);
    else if (/\.(ts|mjs)$/.test(name)) yield full;
  }
}

const folderOf = (file) => {
  const rel = path.relative(src, file).split(path.sep);
  return rel.length === 1 ? '.' : rel[0];
};

const problems = [];
for (const file of files(src)) {
  const from = folderOf(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)) {
    const target = path.resolve(path.dirname(file), m[1]);
    if (!target.startsWith(src)) continue;
    const to = folderOf(target);
    if (to === from) continue;
    if (!rank.has(from) || !rank.has(to)) {
      problems.push(
        `${path.relative(process.cwd(), file)}: folder '${rank.has(from) ? to : from}' has no layer in scripts/check-layers.mjs`,
      );
    } else if (rank.get(to) <= rank.get(from)) {
      problems.push(`${path.relative(process.cwd(), file)} imports ${m[1]}: ${from}/ may not depend on ${to}/`);
    }
  }
}
for (const p of problems) console.error(p);
if (problems.length > 0) process.exit(1);
console.log('layers: every import points down');
