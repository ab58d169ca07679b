// `${env:NAME}` references: secrets (and anything else environment-specific) stay out of the
// scenario file. The resolved values are returned separately so every writer can scrub them.

import type { IssuePath } from './schema-check.ts';
import { checkDepth } from './nesting.ts';
import { escapeTemplateLiteral } from './template.ts';

const ENV_REF = /\$\{env:([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface EnvResolution {
  value: unknown;
  /** Distinct non-empty resolved values, in order of first use. */
  secrets: string[];
  issues: { path: IssuePath; message: string }[];
}

/**
 * Replaces every `${env:NAME}` inside string values (at any depth). Resolved text is escaped so
 * a secret containing `{` is never read as a template placeholder.
 */
export function resolveEnvRefs(value: unknown, env: NodeJS.ProcessEnv): EnvResolution {
  const secrets = new Set<string>();
  const issues: EnvResolution['issues'] = [];

  const visit = (node: unknown, path: IssuePath): unknown => {
    checkDepth(path.length);
    if (typeof node === 'string') {
      if (!node.includes('${env:')) return node;
      return node.replace(ENV_REF, (ref, name: string) => {
        if (!ENV_NAME.test(name)) {
          issues.push({ path, message: `${ref} is not a valid environment variable name` });
          return ref;
        }
        const resolved = env[name];
        if (resolved === undefined) {
          issues.push({ path, message: `environment variable ${name} is not set (referenced as ${ref})` });
          return ref;
        }
        // An empty value would make every output "contain" the secret; there is nothing to hide.
        if (resolved !== '') secrets.add(resolved);
        return escapeTemplateLiteral(resolved);
      });
    }
    if (Array.isArray(node)) return node.map((item, k) => visit(item, [...path, k]));
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) out[key] = visit(item, [...path, key]);
      return out;
    }
    return node;
  };

  return { value: visit(value, []), secrets: [...secrets], issues };
}
