// Smoke test of the benchmark's reference harnesses (bench/reference): the child-process
// plumbing works and every message is accounted for. The figures themselves are not asserted.
import { expect, it } from 'vitest';
import type { ConnectCpuResult, IdleMemoryResult, Qos1MessageCpuResult } from '../../../bench/reference/measure.ts';
import { runInChild } from '../../../bench/reference/run-in-child.ts';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';

describeWithMosquitto('reference harnesses in child processes', () => {
  const broker = useMosquitto({ maxQueuedMessages: 0 });

  it('raw floor: measures idle memory and connect CPU for exactly n connections', async () => {
    const mem = await runInChild<IdleMemoryResult>('raw', 'measureIdleMemory', [broker().url, 100]);
    expect(mem.n).toBe(100);
    expect(Number.isFinite(mem.rssBytesPerConnection)).toBe(true);
    const cpu = await runInChild<ConnectCpuResult>('raw', 'measureConnectCpu', [broker().url, 100, 10]);
    expect(cpu).toMatchObject({ n: 100, concurrency: 10 });
    expect(cpu.cpuUsPerConnection).toBeGreaterThan(0);
  });

  it('both harnesses deliver and acknowledge every QoS 1 message', async () => {
    for (const harness of ['raw', 'mqttjs'] as const) {
      const r = await runInChild<Qos1MessageCpuResult>(harness, 'measureQos1MessageCpu', [broker().url, 500, 1000]);
      expect({ harness, received: r.received, acked: r.acked }).toEqual({ harness, received: 500, acked: 500 });
      expect(r.cpuUsPerMessage).toBeGreaterThan(0);
    }
  });

  it('reports an unknown measurement as one line', async () => {
    await expect(runInChild('raw', 'measureNothing' as never, [])).rejects.toThrow(
      'raw.measureNothing failed: unknown measurement measureNothing',
    );
  });
});
