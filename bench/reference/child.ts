// Entry point of one measurement process: `node --expose-gc --import tsx child.ts <harness>
// <function> <json args>`. Prints the result as one JSON line on stdout, then exits so that
// sockets still closing cannot delay or pollute anything.
import * as fleetstorm from '../fleetstorm/harness.ts';
import * as mqttjs from './mqttjs-fleet.ts';
import * as raw from './raw-floor.ts';
import { fleetstormE2eTail, rawE2eTail } from '../cases/e2e-tail.ts';

// The e2e tail case (bench/cases/e2e-tail.ts) exists for fleetstorm and the floor only.
const HARNESSES = {
  fleetstorm: { ...fleetstorm, measureE2eTail: fleetstormE2eTail },
  mqttjs,
  raw: { ...raw, measureE2eTail: rawE2eTail },
} as const;
export type HarnessName = keyof typeof HARNESSES;
export type MeasurementName = 'measureIdleMemory' | 'measureConnectCpu' | 'measureQos1MessageCpu' | 'measureE2eTail';

async function main(): Promise<void> {
  const [harnessName, fnName, argsJson] = process.argv.slice(2);
  const harness = HARNESSES[harnessName as HarnessName] as Partial<Record<MeasurementName, unknown>> | undefined;
  if (!harness) throw new Error(`unknown harness ${harnessName}; expected ${Object.keys(HARNESSES).join(' or ')}`);
  const fn = harness[fnName as MeasurementName] as ((...args: unknown[]) => Promise<unknown>) | undefined;
  if (typeof fn !== 'function') throw new Error(`unknown measurement ${fnName}`);
  const args = JSON.parse(argsJson ?? '[]') as unknown[];
  const result = await fn(...args);
  process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
