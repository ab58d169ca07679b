// The scale-out tests' fleet: 400 devices publishing QoS 1 at 2/s each and one backend on a
// wildcard, small enough for seconds of test time, large enough that every host gets a real share.

export const DEVICES = 400;
export const RATE_PER_DEVICE = 2;
export const DURATION_S = 3;
/** Every device message reaches the one backend subscriber exactly once. */
export const EXPECTED = DEVICES * RATE_PER_DEVICE * DURATION_S;
export const TOPIC_FILTER = 'scale/+/state';

export function scaleScenario(name: string, durationS = DURATION_S) {
  return {
    schema: 1,
    name,
    seed: 7,
    duration: `${durationS}s`,
    groups: [
      { name: 'backend', count: 1, clientId: `${name}-backend-{i}`, subscribe: [{ topic: TOPIC_FILTER, qos: 1 }] },
      {
        name: 'devices',
        count: DEVICES,
        clientId: `${name}-dev-{i}`,
        connectRate: '800/s',
        publish: [{ topic: 'scale/{i}/state', qos: 1, size: 64, rate: `${RATE_PER_DEVICE}/s` }],
      },
    ],
  };
}
