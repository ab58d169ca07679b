// Self time by function (and by category) of a .cpuprofile:
//   node bench/lib/profile-summary.mjs <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const top = Number(topArg ?? 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const hits = new Map();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const total = profile.samples.length;
const self = new Map();
const cats = new Map();
for (const [id, n] of hits) {
  const f = byId.get(id).callFrame;
  const where = f.url ? `${f.url.replace(/^.*\/(node_modules\/|src\/|bench\/)/, '$1')}:${f.lineNumber + 1}` : '';
  const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + n);
  const cat = !f.url
    ? f.functionName.startsWith('(')
      ? f.functionName
      : 'native'
    : f.url.includes('node_modules')
      ? 'dependencies'
      : f.url.startsWith('node:')
        ? 'node core'
        : 'fleetstorm';
  cats.set(cat, (cats.get(cat) ?? 0) + n);
}
const pct = (n) => `${((100 * n) / total).toFixed(1)} %`;
const durS = (profile.endTime - profile.startTime) / 1e6;
process.stdout.write(`${file}: ${total} samples over ${durS.toFixed(1)} s\n\nby category:\n`);
for (const [c, n] of [...cats].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${pct(n).padStart(7)}  ${c}\n`);
process.stdout.write(`\nself time, top ${top}:\n`);
for (const [k, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${pct(n).padStart(7)}  ${k}\n`);
