import { describe, expect, it } from 'vitest';
import { agentCommand, resolveAgentIndex } from '../../../../src/cli/agent.ts';
import { EXIT_USAGE, exitFor } from '../../../../src/cli/exit-codes.ts';

describe('agent index and required options', () => {
  it('JOB_COMPLETION_INDEX wins, then --index, then none (the coordinator assigns)', () => {
    expect(resolveAgentIndex({ JOB_COMPLETION_INDEX: '3' }, 7)).toBe(3);
    expect(resolveAgentIndex({ JOB_COMPLETION_INDEX: '' }, 7)).toBe(7);
    expect(resolveAgentIndex({}, 0)).toBe(0);
    expect(resolveAgentIndex({}, undefined)).toBe(null);
  });

  it('rejects an index that is not a whole number ≥ 0', () => {
    expect(() => resolveAgentIndex({ JOB_COMPLETION_INDEX: 'x' }, undefined)).toThrow(
      'JOB_COMPLETION_INDEX must be a whole number ≥ 0, got "x"',
    );
    expect(() => resolveAgentIndex({}, -1)).toThrow('--index must be a whole number ≥ 0, got "-1"');
  });

  it('needs a control URL and a token, as usage errors', async () => {
    const usage = (e: unknown) => (exitFor(e)?.code === EXIT_USAGE ? (e as Error).message : String(e));
    expect(await agentCommand({ control: '' }, {}).catch(usage)).toBe('agent needs --control <url> (or FLEETSTORM_CONTROL)');
    expect(await agentCommand({ control: 'mqtt://127.0.0.1:1' }, {}).catch(usage)).toBe(
      "agent needs the run's shared token: --token <secret> or FLEETSTORM_TOKEN",
    );
  });
});
