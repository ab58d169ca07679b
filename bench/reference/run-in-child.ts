// Runs one reference measurement in a fresh Node process (with --expose-gc), so memory and CPU
// figures never include what an earlier measurement left behind.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HarnessName, MeasurementName } from './child.ts';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

export async function runInChild<T>(harness: HarnessName, fnName: MeasurementName, args: unknown[], timeoutMs = 300_000): Promise<T> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, harness, fnName, JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  const lastLine = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !lastLine.startsWith('{')) {
    const reason = stderr.trim().split('\n').slice(-3).join(' | ') || `exit code ${code}`;
    throw new Error(`${harness}.${fnName} failed: ${reason}`);
  }
  return JSON.parse(lastLine) as T;
}
