// The layout rule (pure) and the checks planHosts makes before anything starts.
import { describe, expect, it } from 'vitest';
import { EXIT_USAGE, exitFor } from '../../../src/cli/exit-codes.ts';
import { UsageError } from '../../../src/errors.ts';
import { clientsPerProcess, parseOpenFileLimit } from '../../../src/hosts/fd-limit.ts';
import { chooseLayout, planHosts } from '../../../src/hosts/plan-hosts.ts';
import type { Scenario } from '../../../src/scenario/types.ts';

const machine = { cores: 2, fdLimit: 20_000 };

describe('chooseLayout', () => {
  it('keeps a small, slow fleet in this thread', () => {
    expect(chooseLayout(401, 800, {}, machine)).toEqual({ kind: 'local' });
  });

  it('adds threads (up to the cores) when the publish rate is high', () => {
    expect(chooseLayout(5000, 16_000, {}, machine)).toEqual({ kind: 'threads', threads: 2 });
    expect(chooseLayout(5000, 16_000, {}, { cores: 8, fdLimit: 20_000 })).toEqual({ kind: 'threads', threads: 2 });
    expect(chooseLayout(5000, 30_000, {}, { cores: 1, fdLimit: 20_000 })).toEqual({ kind: 'local' });
  });

  it('starts as many processes as the open-file limit demands, threads sharing the cores', () => {
    expect(clientsPerProcess(20_000)).toBe(19_000);
    expect(chooseLayout(19_000, 0, {}, machine)).toEqual({ kind: 'local' });
    expect(chooseLayout(19_001, 0, {}, machine)).toEqual({ kind: 'processes', processes: 2, threadsEach: 1 });
    expect(chooseLayout(130_000, 16_000, {}, machine)).toEqual({ kind: 'processes', processes: 7, threadsEach: 1 });
    expect(chooseLayout(30_000, 0, {}, { cores: 8, fdLimit: 20_000 })).toEqual({ kind: 'processes', processes: 2, threadsEach: 4 });
  });

  it('obeys --threads and --processes', () => {
    expect(chooseLayout(10, 0, { threads: 3 }, machine)).toEqual({ kind: 'threads', threads: 3 });
    expect(chooseLayout(10, 0, { processes: 2 }, machine)).toEqual({ kind: 'processes', processes: 2, threadsEach: 1 });
    expect(chooseLayout(10, 0, { processes: 2, threads: 2 }, machine)).toEqual({ kind: 'processes', processes: 2, threadsEach: 2 });
    expect(chooseLayout(40_000, 0, { threads: 2 }, machine)).toEqual({ kind: 'processes', processes: 3, threadsEach: 2 });
  });

  it('refuses --processes too few for the open-file limit, as a usage error', () => {
    const err = (() => {
      try {
        chooseLayout(40_000, 0, { processes: 2 }, machine);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect(exitFor(err)?.code).toBe(EXIT_USAGE);
    expect((err as Error).message).toBe(
      '40000 clients over 2 process(es) exceed the open-file limit (20000 per process, 1000 kept in reserve): use --processes 3 or more',
    );
  });
});

describe('parseOpenFileLimit', () => {
  it('reads the soft limit of /proc/<pid>/limits', () => {
    const text =
      'Limit                     Soft Limit           Hard Limit           Units     \nMax open files            20000                20000                files     \n';
    expect(parseOpenFileLimit(text)).toBe(20_000);
    expect(parseOpenFileLimit('Max open files            unlimited            unlimited            files')).toBe(Infinity);
    expect(parseOpenFileLimit('Max processes 100 100')).toBeNull();
  });
});

describe('planHosts address pools', () => {
  // Only what planHosts reads: the broker pools and the groups.
  const scenario = (count: number, sourceAddresses: string[]) =>
    ({
      schema: 1,
      name: 'pools',
      seed: 1,
      durationMs: 1000,
      drainMs: 1000,
      thresholds: {},
      broker: { urls: ['mqtt://127.0.0.1:1883'], protocol: 4, sourceAddresses, connectTimeoutMs: 5000 },
      groups: [
        {
          name: 'd',
          count,
          clientId: 'd-{i}',
          keepaliveMs: 60_000,
          clean: true,
          sessionExpiryMs: 0,
          connectRate: 1000,
          maxConnectsInFlight: 100,
          subscribe: [],
          publish: [],
        },
      ],
    }) as Partial<Scenario> as Scenario;

  it('refuses a fleet larger than the url × source pairs carry, before starting anything', async () => {
    await expect(planHosts(scenario(60_000, []), {}, machine)).rejects.toMatchObject({
      name: 'UsageError',
      message:
        'broker: scenario asks for 60000 connections but 1 broker url × 1 source address allow about 28000; add broker.sourceAddresses or broker.urls',
    });
  });

  it('accepts it once enough source addresses are given', async () => {
    const { layout, plan } = await planHosts(scenario(50, ['127.0.0.2', '127.0.0.3', '127.0.0.4']), {}, machine);
    expect(layout).toEqual({ kind: 'local' });
    expect(plan).toEqual([[{ group: 0, start: 0, count: 50, connectRate: 1000 }]]);
  });
});
