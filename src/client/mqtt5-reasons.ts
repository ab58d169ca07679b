// The one home of MQTT reason-code names (MQTT 5.0 §2.4 table 2-6, in kebab case; MQTT 3.1.1
// CONNACK return codes apart). Every error fleetstorm counts for a CONNACK, SUBACK, PUBACK,
// PUBREC, PUBCOMP or DISCONNECT reason code takes its name from here: `connack:not-authorized`,
// `suback:quota-exceeded`, `puback:not-authorized`, `disconnect:keep-alive-timeout`.

const V311_CONNACK: Record<number, string> = {
  1: 'unsupported-protocol-version',
  2: 'client-identifier-not-valid',
  3: 'server-unavailable',
  4: 'bad-username-or-password',
  5: 'not-authorized',
};

/** MQTT 5 reason codes by number. Below 0x80 a code is a success (or, in DISCONNECT, a normal cause). */
export const V5_REASONS: Readonly<Record<number, string>> = {
  0x00: 'success',
  0x04: 'disconnect-with-will-message',
  0x10: 'no-matching-subscribers',
  0x80: 'unspecified-error',
  0x81: 'malformed-packet',
  0x82: 'protocol-error',
  0x83: 'implementation-specific-error',
  0x84: 'unsupported-protocol-version',
  0x85: 'client-identifier-not-valid',
  0x86: 'bad-username-or-password',
  0x87: 'not-authorized',
  0x88: 'server-unavailable',
  0x89: 'server-busy',
  0x8a: 'banned',
  0x8b: 'server-shutting-down',
  0x8c: 'bad-authentication-method',
  0x8d: 'keep-alive-timeout',
  0x8e: 'session-taken-over',
  0x8f: 'topic-filter-invalid',
  0x90: 'topic-name-invalid',
  0x91: 'packet-identifier-in-use',
  0x92: 'packet-identifier-not-found',
  0x93: 'receive-maximum-exceeded',
  0x94: 'topic-alias-invalid',
  0x95: 'packet-too-large',
  0x96: 'message-rate-too-high',
  0x97: 'quota-exceeded',
  0x98: 'administrative-action',
  0x99: 'payload-format-invalid',
  0x9a: 'retain-not-supported',
  0x9b: 'qos-not-supported',
  0x9c: 'use-another-server',
  0x9d: 'server-moved',
  0x9e: 'shared-subscriptions-not-supported',
  0x9f: 'connection-rate-exceeded',
  0xa0: 'maximum-connect-time',
  0xa1: 'subscription-identifiers-not-supported',
  0xa2: 'wildcard-subscriptions-not-supported',
};

/** `kind:name` for an MQTT 5 reason code, `kind:code-<n>` for one without a name. */
export function v5Reason(kind: string, code: number): string {
  return `${kind}:${V5_REASONS[code] ?? `code-${code}`}`;
}

/** Error reason for a refused CONNACK, e.g. `connack:not-authorized`. */
export function connackReason(code: number, protocol: number): string {
  // A 3.1.1-only broker answers a 5.0 CONNECT with a 3.1.1 return code (1 = unacceptable protocol).
  if (protocol === 5 && code >= 0x80) return v5Reason('connack', code);
  return `connack:${V311_CONNACK[code] ?? `code-${code}`}`;
}

/** Error reason for a refused subscription in a SUBACK. */
export function subackReason(code: number, protocol: number): string {
  return protocol === 5 ? v5Reason('suback', code) : 'suback:failure';
}

/** Close reason for a broker-sent MQTT 5 DISCONNECT: `disconnect:keep-alive-timeout`; 0 is `conn:server-disconnect`. */
export function disconnectReason(code: number): string {
  return code === 0 ? 'conn:server-disconnect' : v5Reason('disconnect', code);
}

const ACK_NAMES: Record<number, string> = { 4: 'puback', 5: 'pubrec', 7: 'pubcomp' };
/** Precomputed `puback:not-authorized` etc., so a refusal costs no string building. */
const ACK_REASONS: Record<number, Record<number, string>> = Object.fromEntries(
  Object.entries(ACK_NAMES).map(([type, kind]) => [
    type,
    Object.fromEntries(Object.keys(V5_REASONS).map((code) => [code, v5Reason(kind, Number(code))])),
  ]),
);

/** Refusal reason for an MQTT 5 PUBACK (4), PUBREC (5) or PUBCOMP (7) reason code ≥ 0x80, e.g. `pubrec:quota-exceeded`. */
export function ackReason(type: number, code: number): string {
  return ACK_REASONS[type]?.[code] ?? `${ACK_NAMES[type] ?? `type-${type}`}:code-${code}`;
}
