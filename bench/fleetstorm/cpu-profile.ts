// CPU profiles of one measurement: V8's sampling profiler (the one `node --cpu-prof` uses) run
// around the measured window only — not the tsx start-up, the warm-up or the teardown — and a
// summary of where the CPU went, by self time.

import { Session } from 'node:inspector/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Microseconds between samples; finer than V8's 1 ms default so short handlers show up. */
const SAMPLING_INTERVAL_US = 200;

/** Environment variable naming the .cpuprofile file the measured window is written to. */
export const PROFILE_ENV = 'BENCH_CPU_PROFILE';

/** Runs a measured window, under the profiler when PROFILE_ENV names a file. */
export function measuredWindow<T>(fn: () => Promise<T>): Promise<T> {
  const file = process.env[PROFILE_ENV];
  return file ? profileWhile(file, fn) : fn();
}

/** Runs `fn` under the CPU profiler and writes the profile to `file` (Chrome DevTools format). */
export async function profileWhile<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface SelfTimeRow {
  /** `name (file:line)`, file relative to the working directory; natives have no file. */
  fn: string;
  selfMs: number;
  /** Share of the samples in which the process was on CPU (idle excluded). */
  share: number;
}

/** Nodes that mean "not running JavaScript or native code for us": left out of the CPU total. */
const NOT_CPU = new Set(['(idle)']);

function label(frame: ProfileNode['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  let file = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
  if (path.isAbsolute(file)) file = path.relative(process.cwd(), file);
  // tsx hands V8 each .ts file compiled onto one line, so a line number there says nothing.
  const line = file.endsWith('.ts') && frame.lineNumber === 0 ? '' : `:${frame.lineNumber + 1}`;
  return `${name} (${file}${line})`;
}

/**
 * Which part of the stack a frame belongs to, so a profile says at a glance how much is
 * fleetstorm's own code, how much Node's socket machinery and how much the kernel (syscalls are
 * native frames without a script: connect, writeBuffer, close …).
 */
function areaOf(frame: ProfileNode['callFrame']): string {
  const { functionName, url } = frame;
  if (functionName === '(garbage collector)') return 'V8 garbage collector';
  if (functionName === '(program)') return 'V8 / libuv outside JS ((program))';
  if (!url) return 'native: syscalls and bindings (connect, writeBuffer, …)';
  if (url.startsWith('node:')) return 'Node core JS (net, streams, events)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `dependency ${pkg[1]}`;
  const src = /\/src\/([^/]+)\//.exec(url);
  if (src) return `fleetstorm src/${src[1]}`;
  if (url.includes('/bench/')) return 'bench harness';
  return 'other';
}

export interface AreaRow {
  area: string;
  selfMs: number;
  share: number;
}

/** The `top` functions by self time in a .cpuprofile file, and self time summed by area. */
export function topSelfTime(file: string, top = 15): { cpuMs: number; rows: SelfTimeRow[]; areas: AreaRow[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number };
  const hitsByLabel = new Map<string, number>();
  const hitsByArea = new Map<string, number>();
  let totalHits = 0;
  let cpuHits = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    totalHits += hits;
    if (hits === 0 || NOT_CPU.has(node.callFrame.functionName)) continue;
    cpuHits += hits;
    const key = label(node.callFrame);
    hitsByLabel.set(key, (hitsByLabel.get(key) ?? 0) + hits);
    const area = areaOf(node.callFrame);
    hitsByArea.set(area, (hitsByArea.get(area) ?? 0) + hits);
  }
  const msPerHit = totalHits > 0 ? (profile.endTime - profile.startTime) / 1000 / totalHits : 0;
  const share = (hits: number) => (cpuHits > 0 ? hits / cpuHits : 0);
  const rows = [...hitsByLabel]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, hits]) => ({ fn, selfMs: hits * msPerHit, share: share(hits) }));
  const areas = [...hitsByArea].sort((a, b) => b[1] - a[1]).map(([area, hits]) => ({ area, selfMs: hits * msPerHit, share: share(hits) }));
  return { cpuMs: cpuHits * msPerHit, rows, areas };
}
