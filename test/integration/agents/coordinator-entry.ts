// Test-only coordinator process (for the network-namespace test and for killing a coordinator):
// node --import tsx coordinator-entry.ts --load <url> [--control <url> --agents N --prefix P]
//   [--duration 3s] [--oracle]
// Prints one JSON line: { counts, hosts, oracle } (oracle: deliveries an MQTT.js client saw).
import { parseArgs } from 'node:util';
import { startOracle } from '../../helpers/oracle.ts';
import { agentScenario, counts, runOnAgents, runSingleHost, STATE_FILTER } from './harness.ts';

const { values } = parseArgs({
  options: {
    load: { type: 'string' },
    control: { type: 'string' },
    agents: { type: 'string' },
    prefix: { type: 'string', default: 'fleetstorm' },
    duration: { type: 'string', default: '3s' },
    oracle: { type: 'boolean' },
  },
});

const loaded = agentScenario(values.load!, { duration: values.duration });
const oracle = values.oracle ? await startOracle(values.load!, [STATE_FILTER]) : null;
const token = process.env.FLEETSTORM_TOKEN ?? '';
const log = (line: string) => process.stderr.write(`coordinator: ${line}\n`);
const result = values.agents
  ? await runOnAgents(loaded, {
      controlUrl: values.control!,
      count: Number(values.agents),
      token,
      prefix: values.prefix!,
      log,
      timeoutMs: 30_000,
    })
  : await runSingleHost(loaded);
const seen = oracle ? await oracle.waitForQuiet(300, 3000) : null;
await oracle?.stop();
process.stdout.write(
  JSON.stringify({ counts: counts(result), hosts: result.run.hosts, oracle: seen && { total: seen.total, unique: seen.tracked.unique } }) +
    '\n',
);
process.exit(0);
