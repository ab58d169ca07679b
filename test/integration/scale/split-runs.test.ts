// One scenario run in this thread, over 2 worker threads and over 2 local processes, through
// the real CLI against a real Mosquitto: the merged counts must be the same every time and must
// equal what an independent MQTT.js subscriber saw on the wire.
import { expect, it } from 'vitest';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';
import { startOracle } from '../../helpers/oracle.ts';
import { DEVICES, EXPECTED, TOPIC_FILTER, scaleScenario } from './scenario.ts';

describeWithMosquitto('a fleet split over threads and processes', () => {
  const broker = useMosquitto();

  async function runWith(name: string, flags: string[]) {
    const oracle = await startOracle(broker().url, [TOPIC_FILTER], { qos: 1 });
    const out = tempDir();
    const file = writeScenario(scaleScenario(name));
    const run = await runCli(['run', file, '--broker', broker().url, '--out', out, '--quiet', ...flags], { timeoutMs: 30_000 });
    const seen = await oracle.waitForQuiet(300, 5000);
    await oracle.stop();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return { result: readResultFile(out), seen };
  }

  function countsOf(r: Awaited<ReturnType<typeof runWith>>['result']) {
    const { connections, messages } = r.summary;
    return { connections, messages };
  }

  const exact = {
    connections: {
      attempted: DEVICES + 1,
      succeeded: DEVICES + 1,
      failed: 0,
      peakConcurrent: DEVICES + 1,
      dropped: 0,
      reconnects: 0,
      reconnectFailed: 0,
      // timing-dependent; test/integration/engine/connect-pacing.test.ts checks it against a proxy
      maxInFlight: expect.any(Number),
    },
    messages: {
      published: EXPECTED,
      acked: EXPECTED,
      received: EXPECTED,
      expected: EXPECTED,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      lossRate: 0,
      skipped: 0,
      // Nothing refused, nothing delivered that was not owed.
      refused: 0,
      retained: 0,
      will: 0,
      notOwed: 0,
    },
  };

  it('runs in one host by default, and the oracle agrees', async () => {
    const { result, seen } = await runWith('scale-single', []);
    expect(result.run.hosts.map((h) => [h.id, h.kind, h.complete])).toEqual([['local', 'local', true]]);
    expect(countsOf(result)).toEqual(exact);
    expect(seen.tracked).toEqual({ deliveries: EXPECTED, unique: EXPECTED, duplicates: 0, outOfOrder: 0 });
  }, 30_000);

  it('--threads 2: two worker threads, same counts, the oracle agrees', async () => {
    const { result, seen } = await runWith('scale-threads', ['--threads', '2']);
    expect(result.run.hosts.map((h) => [h.id, h.kind, h.complete])).toEqual([
      ['thread-0', 'thread', true],
      ['thread-1', 'thread', true],
    ]);
    // The backend runs on one thread and receives the other thread's devices too.
    expect(result.run.hosts.map((h) => h.clients)).toEqual([{ devices: 200 }, { backend: 1, devices: 200 }]);
    expect(countsOf(result)).toEqual(exact);
    expect(seen.tracked).toEqual({ deliveries: EXPECTED, unique: EXPECTED, duplicates: 0, outOfOrder: 0 });
  }, 30_000);

  it('--processes 2: two child processes, same counts, the oracle agrees', async () => {
    const { result, seen } = await runWith('scale-processes', ['--processes', '2']);
    expect(result.run.hosts.map((h) => [h.id, h.kind, h.complete])).toEqual([
      ['process-0', 'process', true],
      ['process-1', 'process', true],
    ]);
    expect(result.run.hosts.map((h) => h.clients)).toEqual([{ devices: 200 }, { backend: 1, devices: 200 }]);
    expect(countsOf(result)).toEqual(exact);
    expect(seen.tracked).toEqual({ deliveries: EXPECTED, unique: EXPECTED, duplicates: 0, outOfOrder: 0 });
  }, 30_000);
});
