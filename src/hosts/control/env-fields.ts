// `${env:NAME}` values never cross the control plane: the coordinator finds the scenario fields
// written with a reference (by walking the scenario as written beside the resolved one), puts
// the reference back in place of the value before a plan leaves for an agent, and the agent
// resolves it from its own environment (a Kubernetes Secret, say). A reference in a field that
// the loader turns into something other than text (a duration, a count) cannot be put back;
// such values travel resolved, inside the sealed body like every other field.

import { resolveEnvRefs } from '../../scenario/env.ts';
import type { Scenario } from '../../scenario/types.ts';

/** A scenario field as written with `${env:…}`: where it is, and its text before resolution. */
export interface EnvField {
  path: (string | number)[];
  template: string;
}

const ENV_NAME_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

type Tree = Record<string | number, unknown>;
const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null;

/** The loader renames `broker.url` to `broker.urls[0]`; the walk follows the resolved shape. */
function asResolvedShape(source: unknown): unknown {
  if (!isTree(source) || !isTree(source.broker) || source.broker.url === undefined) return source;
  const { url, ...broker } = source.broker;
  return { ...source, broker: { ...broker, urls: [url] } };
}

/** Every text field of `scenario` whose source text (`loaded.redacted`) holds an `${env:…}` reference. */
export function findEnvFields(source: unknown, scenario: Scenario): EnvField[] {
  const out: EnvField[] = [];
  const walk = (src: unknown, res: unknown, path: (string | number)[]) => {
    if (typeof src === 'string') {
      if (src.includes('${env:') && typeof res === 'string') out.push({ path, template: src });
    } else if (isTree(src) && isTree(res)) {
      for (const key of Object.keys(src))
        walk(src[key], res[Array.isArray(src) ? Number(key) : key], [...path, Array.isArray(src) ? Number(key) : key]);
    }
  };
  walk(asResolvedShape(source), scenario, []);
  return out;
}

/** The environment variable names the fields need, sorted. */
export function envNames(fields: readonly EnvField[]): string[] {
  const names = new Set<string>();
  for (const f of fields) for (const m of f.template.matchAll(ENV_NAME_REF)) names.add(m[1]);
  return [...names].sort();
}

/** A copy of the scenario with the given text fields replaced. */
function setFields(scenario: Scenario, values: { path: (string | number)[]; value: string }[]): Scenario {
  const copy = structuredClone(scenario) as unknown as Tree;
  for (const { path, value } of values) {
    let node: Tree = copy;
    for (const key of path.slice(0, -1)) node = node[key] as Tree;
    node[path[path.length - 1]] = value;
  }
  return copy as unknown as Scenario;
}

/** The coordinator's side: the scenario with every `${env:…}` field back in its unresolved form. */
export function unresolveEnvFields(scenario: Scenario, fields: readonly EnvField[]): Scenario {
  return fields.length
    ? setFields(
        scenario,
        fields.map((f) => ({ path: f.path, value: f.template })),
      )
    : scenario;
}

/** The agent's side: resolves the fields from this machine's environment; names missing here are listed, not guessed. */
export function resolveEnvFields(
  scenario: Scenario,
  fields: readonly EnvField[],
  env: NodeJS.ProcessEnv,
): { scenario: Scenario; missing: string[] } {
  const missing = envNames(fields).filter((name) => env[name] === undefined);
  if (missing.length || !fields.length) return { scenario, missing };
  return {
    scenario: setFields(
      scenario,
      fields.map((f) => ({ path: f.path, value: resolveText(f.template, env) })),
    ),
    missing,
  };
}

/** One text with its `${env:…}` references resolved (escaped for templates, as the loader does). */
export function resolveText(text: string, env: NodeJS.ProcessEnv): string {
  return resolveEnvRefs(text, env).value as string;
}

/**
 * The environment a coordinator with remote agents loads the scenario with: a `${env:NAME}` it
 * lacks validates with a stand-in, since the value is the agents' own (an agent without it
 * refuses the run at join time, naming it). Only text fields can be left to agents this way.
 */
export function leaveMissingToAgents(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return new Proxy(env, {
    get: (target, name) => (typeof name === 'string' && target[name] === undefined ? `agent-resolves-${name}` : target[name as string]),
  });
}
