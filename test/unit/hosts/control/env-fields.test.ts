import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envNames, findEnvFields, resolveEnvFields, unresolveEnvFields } from '../../../../src/hosts/control/env-fields.ts';
import { loadScenario } from '../../../../src/scenario/load.ts';

function load(yaml: string, env: NodeJS.ProcessEnv) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fs-envf-'));
  writeFileSync(path.join(dir, 's.yaml'), yaml);
  return loadScenario(path.join(dir, 's.yaml'), { env });
}

const YAML = `schema: 1
name: envf
duration: 2s
broker: { url: "mqtt://\${env:BROKER_HOST}:1883" }
groups:
  - name: locks
    count: 2
    clientId: "lock-{i}"
    username: "u{i}"
    password: "\${env:LOCK_PASSWORD}"
`;
const ENV = { BROKER_HOST: '10.9.8.7', LOCK_PASSWORD: 'Super{Secret}42' };

describe('env fields', () => {
  it('finds every field written with ${env:…}, broker.url as broker.urls[0]', () => {
    const loaded = load(YAML, ENV);
    const fields = findEnvFields(loaded.redacted, loaded.scenario);
    expect(fields).toEqual([
      { path: ['broker', 'urls', 0], template: 'mqtt://${env:BROKER_HOST}:1883' },
      { path: ['groups', 0, 'password'], template: '${env:LOCK_PASSWORD}' },
    ]);
    expect(envNames(fields)).toEqual(['BROKER_HOST', 'LOCK_PASSWORD']);
  });

  it('the shipped scenario holds no value; the agent resolves it exactly as the loader did', () => {
    const loaded = load(YAML, ENV);
    const fields = findEnvFields(loaded.redacted, loaded.scenario);
    const shipped = unresolveEnvFields(loaded.scenario, fields);
    const json = JSON.stringify(shipped);
    expect(json.includes('10.9.8.7') || json.includes('Secret')).toBe(false);
    expect(loaded.scenario.groups[0].password).toBe('Super{{Secret}}42'); // the original is untouched (escaped as a template)
    expect(resolveEnvFields(shipped, fields, ENV)).toEqual({ scenario: loaded.scenario, missing: [] });
    const own = resolveEnvFields(shipped, fields, { ...ENV, LOCK_PASSWORD: 'agent-own' });
    expect(own.scenario.groups[0].password).toBe('agent-own');
    expect(resolveEnvFields(shipped, fields, { LOCK_PASSWORD: 'x' }).missing).toEqual(['BROKER_HOST']);
  });

  it('a scenario without references ships unchanged', () => {
    const loaded = load(YAML.replace(/\$\{env:\w+\}/g, 'plain'), {});
    expect(findEnvFields(loaded.redacted, loaded.scenario)).toEqual([]);
    expect(unresolveEnvFields(loaded.scenario, [])).toBe(loaded.scenario);
  });
});
