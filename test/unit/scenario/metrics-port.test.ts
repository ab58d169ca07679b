import { describe, expect, it } from 'vitest';
import { validateScenarioObject } from '../../../src/scenario/schema.ts';

const minimal = () => ({ schema: 1, name: 'tiny', groups: [{ name: 'devices', count: 3 }] });

describe('scenario field metricsPort', () => {
  it('is off when absent and kept when given (0 = any free port)', () => {
    expect(validateScenarioObject(minimal()).scenario!.metricsPort).toBeUndefined();
    expect(validateScenarioObject({ ...minimal(), metricsPort: 9464 }).scenario!.metricsPort).toBe(9464);
    expect(validateScenarioObject({ ...minimal(), metricsPort: 0 }).scenario!.metricsPort).toBe(0);
  });

  it('must be a port number', () => {
    for (const bad of [65536, -1, 94.5, '9464'])
      expect(validateScenarioObject({ ...minimal(), metricsPort: bad }).issues).toEqual([
        { path: 'metricsPort', message: `must be an integer from 0 to 65535, got ${JSON.stringify(bad)}` },
      ]);
  });
});
