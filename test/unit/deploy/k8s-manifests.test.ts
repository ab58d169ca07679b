// Every manifest in deploy/k8s checked against the Kubernetes API schemas (kubernetes-models,
// generated from the upstream OpenAPI specs) and the Prometheus Operator CRD schemas
// (@kubernetes-models/prometheus-operator), plus the kustomization's resource list.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { REPO } from '../../helpers/cli.ts';

const DIR = path.join(REPO, 'deploy/k8s');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
}

type Model = new (data: unknown) => { validate(): void };

/** Schema modules by apiVersion; a manifest with another apiVersion fails until it is added here. */
const MODULES: Record<string, () => Promise<unknown>> = {
  v1: () => import('kubernetes-models/v1'),
  'apps/v1': () => import('kubernetes-models/apps/v1'),
  'batch/v1': () => import('kubernetes-models/batch/v1'),
  'networking.k8s.io/v1': () => import('kubernetes-models/networking.k8s.io/v1'),
  'monitoring.coreos.com/v1': () => import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1'),
};

async function modelsFor(apiVersion: string): Promise<Record<string, Model>> {
  const load = MODULES[apiVersion];
  if (!load) throw new Error(`no schema module for apiVersion ${apiVersion}`);
  return (await load()) as Record<string, Model>;
}

function documents(file: string): Manifest[] {
  return YAML.parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8')).map((d) => d.toJS() as Manifest);
}

async function validate(doc: Manifest): Promise<void> {
  const Kind = (await modelsFor(doc.apiVersion))[doc.kind];
  if (!Kind) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
  new Kind(doc).validate();
}

describe('deploy/k8s manifests', () => {
  for (const file of FILES) {
    it(`${file} matches the Kubernetes schemas`, async () => {
      const docs = documents(file);
      expect(docs.length).toBeGreaterThan(0);
      for (const doc of docs) await validate(doc);
    });
  }

  it('the coordinator has a Service and a PodMonitor on its metrics port', () => {
    const all = FILES.flatMap(documents);
    const job = all.find((d) => d.kind === 'Job' && d.metadata?.name === 'fleetstorm-coordinator') as unknown as {
      spec: { template: { spec: { containers: { args: string[]; ports?: { name: string; containerPort: number }[] }[] } } };
    };
    const container = job.spec.template.spec.containers[0]!;
    expect(container.args).toContain('--metrics-port=9464');
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: 9464 }]);
    expect(all.some((d) => d.kind === 'Service' && d.metadata?.name === 'fleetstorm-coordinator-metrics')).toBe(true);
    expect(all.some((d) => d.kind === 'PodMonitor')).toBe(true);
  });

  it('rejects a manifest that breaks the schema (the check can fail)', async () => {
    await expect(validate({ apiVersion: 'v1', kind: 'Service', spec: { ports: [{ port: 'http' }] } } as Manifest)).rejects.toThrow(/port/);
    await expect(
      validate({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', spec: { podMetricsEndpoints: [{ port: 9464 }] } } as Manifest),
    ).rejects.toThrow(/port/);
  });

  it('kustomization.yaml lists every manifest, and only files that exist', () => {
    const k = YAML.parse(readFileSync(path.join(DIR, 'kustomization.yaml'), 'utf8')) as {
      apiVersion: string;
      kind: string;
      resources: string[];
    };
    expect(k.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
    expect(k.kind).toBe('Kustomization');
    expect([...k.resources].sort()).toEqual([...FILES].sort());
  });
});
