// Asks a broker for its version where it publishes one ($SYS/broker/version: Mosquitto, EMQX),
// so baselines can record what they were measured against. Bounded by a short timeout.

import mqtt from 'mqtt';

export async function probeBrokerVersion(url: string, timeoutMs = 1500): Promise<string | undefined> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, {
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
      clientId: `fleetstorm-probe-${process.pid}`,
      writeCache: false, // no 6 MB packet-id cache for one SUBSCRIBE
    });
    const done = (v: string | undefined) => {
      clearTimeout(timer);
      client.end(true);
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    client.on('error', () => done(undefined));
    client.on('connect', () => client.subscribe('$SYS/broker/version'));
    client.on('message', (_t, payload) => done(payload.toString('utf8').slice(0, 200)));
  });
}
