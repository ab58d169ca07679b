// The examples of bad input from issue 10, each as a new user meets it: one line saying what is
// wrong and exit 2, never a stack trace, and `validate` refusing exactly what `run` refuses.

import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { makeTestCerts } from '../../../src/broker/certs.ts';
import { findFreePort } from '../../helpers/free-port.ts';
import { describeWithOpenssl } from '../../helpers/brokers.ts';
import { REPO, runCli, runCliInProcess, tempDir } from '../../helpers/cli.ts';

const STACK = /\n\s+at .+[(:]\d+|internal error/;
const dir = tempDir('fleetstorm-validate-');
const reference = path.join(REPO, 'scenarios/reference.yaml');
const smartHome = path.join(REPO, 'scenarios/smart-home.yaml');
const quickstart = path.join(REPO, 'scenarios/quickstart.yaml');

function file(name: string, content: string | Buffer): string {
  const f = path.join(dir, name);
  writeFileSync(f, content);
  return f;
}

const small = (extra: Record<string, unknown> = {}) =>
  YAML.stringify({ schema: 1, name: 'small', duration: '1s', drain: '0s', groups: [{ name: 'g', count: 2, clientId: 'v-{i}' }], ...extra });

describe('fleetstorm validate and run on bad input', () => {
  it('a self-referencing alias is one line with its position, exit 2 (the real binary)', async () => {
    const run = await runCli(['validate', file('alias.yaml', 'schema: 1\nname: x\na: &x [*x]\n')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('fleetstorm: alias.yaml:3:8: YAML: alias *x refers to the value that contains it (a recursive alias)\n');
  });

  it('a binary file is one line saying it is not YAML text', async () => {
    const bytes = Buffer.alloc(135_000);
    for (let k = 0; k < bytes.length; k++) bytes[k] = (k * 2654435761) >>> 24;
    const f = file('binary.yaml', bytes);
    const run = await runCliInProcess(['validate', f]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`fleetstorm: (file): ${f} is not a YAML text file (it holds binary data; a scenario is UTF-8 text)\n`);
  });

  it('validate names each missing TLS file of scenarios/reference.yaml, and run refuses the same in one line each', async () => {
    process.env.LOCK_PASSWORD = 'example';
    try {
      const expected = ['ca.pem', 'devices/000/0.pem', 'devices/000/0.key'].map(
        (f, k) =>
          `broker.tls.${['ca', 'cert', 'key'][k]}: ${path.relative(process.cwd(), path.join(REPO, 'scenarios/certs', f))}: file not found`,
      );
      const validate = await runCliInProcess(['validate', reference]);
      expect(validate.code).toBe(2);
      expect(validate.stderr).toBe(`fleetstorm: ${expected.join('\n')}\n`);
      const run = await runCliInProcess(['run', reference, '--out', path.join(dir, 'ref-out'), '--quiet']);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(validate.stderr);
    } finally {
      delete process.env.LOCK_PASSWORD;
    }
  });

  it('scenarios/reference.yaml validates once `fleetstorm certs --devices 1` has minted its TLS files', async () => {
    process.env.LOCK_PASSWORD = 'example';
    try {
      const copy = path.join(dir, 'ref-with-certs');
      mkdirSync(copy, { recursive: true });
      copyFileSync(reference, path.join(copy, 'reference.yaml'));
      const minted = await runCliInProcess(['certs', '--devices', '1', '--out', path.join(copy, 'certs')]);
      expect(minted.code, minted.stderr).toBe(0);
      const validate = await runCliInProcess(['validate', path.join(copy, 'reference.yaml')]);
      expect(validate.code, validate.stderr).toBe(0);
      expect(validate.stdout).toMatch(/valid \(/);
    } finally {
      delete process.env.LOCK_PASSWORD;
    }
  });

  it('a TLS file that is not PEM is refused with its path', async () => {
    const notPem = file('not-pem.pem', 'hello\n');
    const scenario = file('tls.yaml', small({ broker: { url: 'mqtts://127.0.0.1:8883', tls: { ca: './not-pem.pem' } } }));
    const run = await runCliInProcess(['validate', scenario]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `fleetstorm: broker.tls.ca: ${path.relative(process.cwd(), notPem)}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)\n`,
    );
  });

  it('validate refuses what run refuses: address pools too small for the fleet (--set scale=1)', async () => {
    const run = await runCliInProcess(['validate', smartHome, '--set', 'scale=1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'fleetstorm: broker: scenario asks for 130410 connections but 1 broker url × 1 source address allow about 28000; add broker.sourceAddresses or broker.urls\n',
    );
    expect((await runCliInProcess(['validate', smartHome])).code).toBe(0);
  });

  it('validate takes --broker and --duration like run, and checks them', async () => {
    expect((await runCliInProcess(['validate', quickstart, '--broker', 'mqtt://10.0.0.1:1883', '--duration', '5s'])).code).toBe(0);
    const bad = await runCliInProcess(['validate', quickstart, '--duration', '5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('fleetstorm: --duration: must be a duration like 500ms, 30s, 5m or 1h, got "5"\n');
    const path_ = await runCliInProcess(['validate', quickstart, '--set', 'groups.nosuch.count=5']);
    expect(path_.code).toBe(2);
    expect(path_.stderr).toMatch(/^fleetstorm: --set groups\.nosuch\.count: no group named "nosuch" in groups/);
  });

  it('a bad option value names the option, exit 2', async () => {
    const cases: [string[], string][] = [
      [['run', quickstart, '--threads', '0'], 'fleetstorm: --threads: must be a whole number from 1 to 256, got "0"\n'],
      // Before the table, --threads had no upper bound: 2000 worker threads on a 2-core machine hung for minutes.
      [['run', quickstart, '--threads', '2000'], 'fleetstorm: --threads: must be a whole number from 1 to 256, got "2000"\n'],
      [['run', quickstart, '--processes', 'two'], 'fleetstorm: --processes: must be a whole number from 1 to 256, got "two"\n'],
      [['capacity', quickstart, '--hold', '500ms'], 'fleetstorm: --hold: must be at least 1s, got "500ms"\n'],
      [
        ['run', quickstart, '--broker', 'http://x'],
        'fleetstorm: --broker: must start with mqtt://, mqtts://, ws:// or wss://, got "http://x"\n',
      ],
      [
        ['run', quickstart, '--control-listen', 'nope'],
        'fleetstorm: --control-listen: must be host:port (or mqtts://host:port), e.g. 127.0.0.1:1884, got "nope"\n',
      ],
      [['broker', '--port', '70000'], 'fleetstorm: --port: must be a whole number from 0 to 65535, got "70000"\n'],
    ];
    for (const [argv, stderr] of cases) {
      const run = await runCliInProcess(argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stderr, argv.join(' ')).toBe(stderr);
    }
  });

  it('help shows each default once', async () => {
    for (const command of ['run', 'capacity', 'broker', 'agent', 'report', 'compare', 'validate']) {
      const help = await runCliInProcess([command, '--help']);
      expect(help.code).toBe(0);
      const text = help.stdout.replace(/\s+/g, ' ');
      expect(text, command).not.toMatch(/\(default[^)]*\) \(default/);
      expect(text, command).not.toMatch(/\(default [0-9a-z./<]+\)/);
    }
    const broker = (await runCliInProcess(['broker', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(broker).toContain('--port <n> port (0 = a free one) (default: 1883)');
    expect(broker.match(/1883/g)).toHaveLength(1);
  });

  it('--quiet is quiet: no "no broker named" note, no progress, no summary', async () => {
    const scenario = file('quiet.yaml', small());
    const run = await runCliInProcess(['run', scenario, '--quiet', '--out', path.join(dir, 'quiet-out')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
  }, 30_000);

  it('an output path that cannot be written is one line, exit 2, before anything runs', async () => {
    const inTheWay = file('in-the-way', 'x');
    const port = await findFreePort();
    const run = await runCliInProcess(['run', file('o.yaml', small()), '--broker', `mqtt://127.0.0.1:${port}`, '--out', inTheWay]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`fleetstorm: cannot write to ${inTheWay}: a file is in the way of a folder\n`);
    expect(run.stderr).not.toMatch(STACK);
  });
});

describeWithOpenssl('validate with TLS files that exist', () => {
  it('passes when the CA, certificate and key exist and parse', async () => {
    const certsDir = tempDir('fleetstorm-validate-certs-');
    const certs = makeTestCerts(certsDir);
    const scenario = file(
      'tls-ok.yaml',
      small({ broker: { url: 'mqtts://127.0.0.1:8883', tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } } }),
    );
    const run = await runCliInProcess(['validate', scenario]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const swapped = file(
      'tls-swapped.yaml',
      small({ broker: { url: 'mqtts://127.0.0.1:8883', tls: { ca: certs.ca, key: certs.clientCert } } }),
    );
    const bad = await runCliInProcess(['validate', swapped]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^fleetstorm: broker\.tls\.key: .*: is not a usable PEM key: /);
  }, 60_000);
});
