// Test-only entry for an agent process: what `fleetstorm agent` will run once the CLI wires it.
// node --import tsx test/integration/agents/agent-entry.ts --control <url> [--id X] [--index N] [--once]
import { parseArgs } from 'node:util';
import { agentCommand } from '../../../src/cli/agent.ts';
import { exitFor } from '../../../src/cli/exit-codes.ts';

const { values } = parseArgs({
  options: {
    control: { type: 'string' },
    token: { type: 'string' },
    id: { type: 'string' },
    index: { type: 'string' },
    prefix: { type: 'string' },
    once: { type: 'boolean' },
    'allow-brokers': { type: 'string' },
  },
});

try {
  process.exitCode = await agentCommand({
    control: values.control ?? '',
    token: values.token,
    id: values.id,
    index: values.index === undefined ? undefined : Number(values.index),
    prefix: values.prefix,
    once: values.once,
    allowBrokers: values['allow-brokers'],
  });
} catch (err) {
  process.stderr.write(`fleetstorm: ${(err as Error).message}\n`);
  process.exitCode = exitFor(err)?.code ?? 1;
}
