// A local agent process killed mid-run: the run still ends, result.json is written, and it names
// the lost host (complete: false, with the exit signal as the note) while the survivor's figures stand.
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, startCli, tempDir, writeScenario } from '../../helpers/cli.ts';
import { scaleScenario } from './scenario.ts';

function childPids(pid: number): number[] {
  try {
    // Only the agent processes: tsx may also run an esbuild service as a child.
    return execFileSync('pgrep', ['-P', String(pid), '-f', 'process-entry'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

describeWithMosquitto('a local agent process dies mid-run', () => {
  const broker = useMosquitto();

  it('the run finishes, marks that shard missing and exits 1', async () => {
    const out = tempDir();
    const file = writeScenario(scaleScenario('scale-kill', 6));
    const { child, done } = startCli(['run', file, '--broker', broker().url, '--processes', '2', '--out', out]);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      const bail = setTimeout(() => reject(new Error(`steady state never began: ${stderr}`)), 20_000);
      child.stderr!.on('data', (d) => {
        stderr += d;
        if (/steady state for/.test(stderr)) {
          clearTimeout(bail);
          resolve();
        }
      });
    });
    const children = childPids(child.pid!);
    expect(children).toHaveLength(2);
    process.kill(children[0]!, 'SIGKILL');
    const run = await done;
    clearTimeout(timer);

    expect(run.code).toBe(1);
    const result = readResultFile(out);
    expect(result.interrupted).toBe(true);
    const hosts = result.run.hosts.map((h) => ({ id: h.id, complete: h.complete, note: h.note }));
    expect(hosts).toEqual([
      { id: 'process-0', complete: false, note: `process process-0 (pid ${children[0]}) exited on SIGKILL` },
      { id: 'process-1', complete: true, note: undefined },
    ]);
    // The survivor (the backend and 200 devices) kept going to the end of the run.
    expect(result.summary.connections.succeeded).toBeGreaterThanOrEqual(201);
    expect(result.groups.devices!.messages.published).toBeGreaterThanOrEqual(200 * 2 * 6);
    expect(run.stderr).toContain('missing shards: process-0');
  }, 30_000);
});
