import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ScenarioError, formatIssues, loadScenario, overridesForCli } from '../../../src/scenario/load.ts';
import type { ValidationIssue } from '../../../src/scenario/types.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'fleetstorm-scenario-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function write(text: string): string {
  const file = path.join(dir, `s${fileCount++}.yaml`);
  writeFileSync(file, text);
  return file;
}

function issuesOf(fn: () => unknown): ValidationIssue[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScenarioError) return err.issues;
    throw err;
  }
  throw new Error('expected a ScenarioError');
}

// The example from CONTRACT.md, "Scenario file", verbatim.
const CONTRACT_EXAMPLE = `schema: 1
name: smart-home-quickstart        # [a-z0-9-]+, names the result folder
description: 200 locks and 50 appliances reporting to a backend
seed: 42                           # all randomness is reproducible from it
duration: 60s                      # steady-state time after every group has connected
broker:
  url: mqtt://127.0.0.1:1883       # mqtt:// or mqtts://; \`urls: [...]\` for an endpoint pool
  protocol: 4                      # 3 = 3.1, 4 = 3.1.1 (default), 5 = 5.0
  tls: { ca: ./ca.pem, cert: ./client.pem, key: ./client.key, rejectUnauthorized: true }
groups:
  - name: locks
    count: 200
    clientId: "lock-{i}"           # {i} = index in the group from 0; {group}; {rand:N}
    username: "{clientId}"
    password: "\${env:LOCK_PASSWORD}"   # read from the environment, never written to results
    keepalive: 60s
    clean: true                    # cleanStart for 5.0
    sessionExpiry: 0s              # 5.0 only
    connectRate: 100/s             # new connections per second for this group
    will: { topic: "home/{i}/lock/online", payload: "0", qos: 1, retain: true }
    subscribe:
      - { topic: "home/{i}/lock/cmd", qos: 1 }
    publish:
      - topic: "home/{i}/lock/state"
        qos: 1
        size: 96                   # payload bytes, tracking header included
        rate: 0.2/s                # per client; or \`totalRate: 40/s\` for the whole group
  - name: backend
    count: 2
    clientId: "backend-{i}"
    subscribe:
      - { topic: "$share/backend/home/+/lock/state", qos: 1 }
thresholds:                        # gates, evaluated on the merged result
  connect.p99: "< 500ms"
  endToEnd.p99: "< 100ms"
  messages.lossRate: "== 0"
`;

describe('loadScenario: the contract example', () => {
  it('validates cleanly and resolves to normalised units', () => {
    const file = write(CONTRACT_EXAMPLE);
    const loaded = loadScenario(file, { env: { LOCK_PASSWORD: 's3cr{et}' } });
    const { scenario } = loaded;
    expect(scenario.name).toBe('smart-home-quickstart');
    expect(scenario.seed).toBe(42);
    expect(scenario.durationMs).toBe(60_000);
    expect(scenario.broker).toEqual({
      urls: ['mqtt://127.0.0.1:1883'],
      protocol: 4,
      tls: { ca: './ca.pem', cert: './client.pem', key: './client.key', rejectUnauthorized: true },
      sourceAddresses: [],
      connectTimeoutMs: 10_000,
    });
    expect(scenario.groups.map((g) => [g.name, g.count, g.clientId])).toEqual([
      ['locks', 200, 'lock-{i}'],
      ['backend', 2, 'backend-{i}'],
    ]);
    const locks = scenario.groups[0];
    // The secret's braces are escaped so the template engine reads them literally.
    expect(locks.password).toBe('s3cr{{et}}');
    expect(locks.will).toEqual({ topic: 'home/{i}/lock/online', payload: '0', qos: 1, retain: true });
    expect(locks.publish).toEqual([
      {
        topic: 'home/{i}/lock/state',
        qos: 1,
        retain: false,
        size: 96,
        rate: 0.2,
        track: true,
        arrival: 'fixed',
        jitter: 0,
        onConnect: false,
      },
    ]);
    expect(scenario.groups[1].subscribe).toEqual([{ topic: '$share/backend/home/+/lock/state', qos: 1 }]);
    expect(scenario.thresholds).toEqual({ 'connect.p99': '< 500ms', 'endToEnd.p99': '< 100ms', 'messages.lossRate': '== 0' });
    expect(loaded.baseDir).toBe(dir);
  });
});

describe('loadScenario: secrets', () => {
  const file = write(
    'schema: 1\nname: s\ngroups:\n  - name: a\n    count: 1\n    username: "u-${env:USER_NAME}"\n    password: "${env:PW}"\n',
  );

  it('puts resolved values in the scenario and in secrets, never in redacted', () => {
    const loaded = loadScenario(file, { env: { USER_NAME: 'alice', PW: 'hunter2' } });
    expect(loaded.scenario.groups[0].username).toBe('u-alice');
    expect(loaded.scenario.groups[0].password).toBe('hunter2');
    expect(loaded.secrets).toEqual(['alice', 'hunter2']);
    const redactedText = JSON.stringify(loaded.redacted);
    expect(redactedText).not.toContain('hunter2');
    expect(redactedText).toContain('${env:PW}');
    expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes the same whatever the secret values are, and differently when the scenario changes', () => {
    const a = loadScenario(file, { env: { USER_NAME: 'alice', PW: 'hunter2' } });
    const b = loadScenario(file, { env: { USER_NAME: 'bob', PW: 'correct horse' } });
    expect(b.sha256).toBe(a.sha256);
    const c = loadScenario(file, { env: { USER_NAME: 'alice', PW: 'hunter2' }, set: ['groups.a.count=2'] });
    expect(c.sha256).not.toBe(a.sha256);
  });

  it('hashes independently of key order and formatting', () => {
    const reordered = write(
      'name: s\n\nschema: 1\ngroups:\n  - { count: 1, name: a, password: "${env:PW}", username: "u-${env:USER_NAME}" }\n',
    );
    const env = { USER_NAME: 'x', PW: 'y' };
    expect(loadScenario(reordered, { env }).sha256).toBe(loadScenario(file, { env }).sha256);
  });

  it('keeps resolved secrets out of issue messages', () => {
    const leaky = write('schema: 1\nname: s\nbroker:\n  url: "${env:BROKER}"\ngroups:\n  - { name: a, count: 1 }\n');
    expect(issuesOf(() => loadScenario(leaky, { env: { BROKER: 'http://token@host' } }))).toEqual([
      { path: 'broker.url', message: 'must start with mqtt://, mqtts://, ws:// or wss://, got "***"' },
    ]);
  });

  it('reports each missing variable at its path', () => {
    expect(issuesOf(() => loadScenario(file, { env: {} }))).toEqual([
      { path: 'groups[0].username', message: 'environment variable USER_NAME is not set (referenced as ${env:USER_NAME})' },
      { path: 'groups[0].password', message: 'environment variable PW is not set (referenced as ${env:PW})' },
    ]);
  });
});

describe('loadScenario: --set overrides', () => {
  const file = write(
    'schema: 1\nname: s\ngroups:\n  - name: locks\n    count: 200\n  - name: backend\n    count: 2\nthresholds:\n  connect.p99: "< 500ms"\n',
  );

  it('addresses groups by name or index and parses values as YAML scalars', () => {
    const { scenario } = loadScenario(file, {
      set: ['groups.locks.count=5000', 'groups[1].clean=false', 'duration=30s', 'broker.url=mqtt://127.0.0.1:1884', 'seed=0x10'],
    });
    expect(scenario.groups.map((g) => [g.name, g.count, g.clean])).toEqual([
      ['locks', 5000, true],
      ['backend', 2, false],
    ]);
    expect(scenario.durationMs).toBe(30_000);
    expect(scenario.broker.urls).toEqual(['mqtt://127.0.0.1:1884']);
    expect(scenario.seed).toBe(16);
  });

  it('sets threshold keys containing dots, templates and lists', () => {
    const { scenario } = loadScenario(file, {
      set: ['thresholds.connect.p99=< 300ms', 'groups.locks.clientId={group}-{i}', 'broker.urls=[mqtt://127.0.0.1:1, mqtt://127.0.0.1:2]'],
    });
    expect(scenario.thresholds).toEqual({ 'connect.p99': '< 300ms' });
    expect(scenario.groups[0].clientId).toBe('{group}-{i}');
    expect(scenario.broker.urls).toEqual(['mqtt://127.0.0.1:1', 'mqtt://127.0.0.1:2']);
  });

  it('turns --broker and --duration into overrides that replace url or urls', () => {
    const withUrl = write('schema: 1\nname: s\nbroker: { url: mqtt://127.0.0.1:1 }\ngroups:\n  - { name: a, count: 1 }\n');
    const set = overridesForCli({ brokers: ['mqtt://127.0.0.1:2', 'mqtt://127.0.0.1:3'], duration: '5m' });
    const { scenario } = loadScenario(withUrl, { set });
    expect(scenario.broker.urls).toEqual(['mqtt://127.0.0.1:2', 'mqtt://127.0.0.1:3']);
    expect(scenario.durationMs).toBe(300_000);
    expect(overridesForCli({})).toEqual([]);
  });

  it('unsets a field with an empty value so its default applies', () => {
    const { scenario } = loadScenario(file, { set: ['duration=5s', 'duration='] });
    expect(scenario.durationMs).toBe(60_000);
  });

  it('validates overridden values like the file and reports overrides that cannot apply', () => {
    const issues = issuesOf(() =>
      loadScenario(file, {
        set: ['groups.lockz.count=5', 'groups[7].count=1', 'groups.locks.count=-1', 'count', 'a..b=1', 'name.x=1', 'groups.backend.qos=1'],
      }),
    );
    expect(issues).toEqual([
      { path: '--set groups.lockz.count', message: 'no group named "lockz" in groups (there is locks, backend)' },
      { path: '--set groups[7].count', message: 'groups[7] is out of range (groups has 2 entries)' },
      { path: '--set count', message: 'must be written path=value, e.g. groups.locks.count=5000' },
      { path: '--set a..b', message: '"a..b" is not a path like groups.locks.count or groups[0].count' },
      { path: '--set name.x', message: 'name is "s", not a mapping or list' },
      { path: 'groups[0].count', message: 'must be a positive integer, got -1' },
      { path: 'groups[1].qos', message: 'unknown key' },
    ]);
  });

  it('never echoes an override value in an issue (it may be a secret)', () => {
    const issues = issuesOf(() => loadScenario(file, { set: ['groups.nope.password=hunter2'] }));
    expect(formatIssues(issues)).toBe('--set groups.nope.password: no group named "nope" in groups (there is locks, backend)');
  });
});

describe('loadScenario: unreadable and malformed files', () => {
  it('reports a missing file as one (file) issue', () => {
    const missing = path.join(dir, 'missing.yaml');
    expect(issuesOf(() => loadScenario(missing))).toEqual([{ path: '(file)', message: `${missing}: file not found` }]);
  });

  it('reports YAML syntax errors with line and column', () => {
    const file = write('schema: 1\nname: s\ngroups:\n  - name: a\n    count: [1,\n  - name: b\n');
    const issues = issuesOf(() => loadScenario(file));
    expect(issues[0]).toEqual({
      path: `${path.basename(file)}:6:3`,
      message: 'YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    });
  });

  it('reports duplicate keys and empty files', () => {
    const dup = write('schema: 1\nname: a\nname: b\n');
    expect(issuesOf(() => loadScenario(dup))).toEqual([{ path: `${path.basename(dup)}:3:1`, message: 'YAML: Map keys must be unique' }]);
    const empty = write('# nothing\n');
    expect(issuesOf(() => loadScenario(empty))).toEqual([{ path: '(file)', message: `${empty} is empty` }]);
  });

  it('throws a ScenarioError whose message lists every issue, one per line', () => {
    const file = write('schema: 1\nname: s\ngroups:\n  - name: a\n    count: 0\n    qos: 1\n');
    let caught: unknown;
    try {
      loadScenario(file);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ScenarioError);
    expect((caught as Error).message).toBe(
      'scenario has 2 problems:\ngroups[0].count: must be a positive integer, got 0\ngroups[0].qos: unknown key',
    );
  });
});
