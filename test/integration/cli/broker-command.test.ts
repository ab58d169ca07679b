// `fleetstorm broker` stops on Ctrl-C through the one interrupt handler every command shares
// (cli/run-support.ts): the broker closes cleanly, says so, and the process exits 0.
import { connect } from 'mqtt';
import { expect, it } from 'vitest';
import { startCli } from '../../helpers/cli.ts';

it('serves MQTT until SIGINT, then stops cleanly with exit 0', async () => {
  const { child, done } = startCli(['broker', '--port', '0']);
  const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const url = await new Promise<string>((resolve, reject) => {
      const poll = setInterval(() => {
        const m = /listening on (mqtt:\/\/[\d.]+:\d+)/.exec(err);
        if (m) {
          clearInterval(poll);
          resolve(m[1]!);
        }
      }, 50);
      setTimeout(() => (clearInterval(poll), reject(new Error(`no listening line: ${err}`))), 45_000);
    });
    // A real client gets a CONNACK from it (the oracle that the broker was up).
    const client = connect(url, { reconnectPeriod: 0, connectTimeout: 5000 });
    await new Promise<void>((resolve, reject) => (client.once('connect', () => resolve()), client.once('error', reject)));
    await client.endAsync();
    child.kill('SIGINT');
    const run = await done;
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('fleetstorm broker stopped');
  } finally {
    clearTimeout(kill);
  }
}, 90_000);
