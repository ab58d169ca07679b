// What a connection reports to the engine. One listener object serves every connection; `C` is
// the connection type (`Connection`; generic only so the frame readers need not import it).
//
// Refusal reasons passed to `onPublishRefused`:
// - `puback:<name>`, `pubrec:<name>`, `pubcomp:<name>`: an MQTT 5 acknowledgement with a failure
//   reason code (≥ 0x80), named as in the MQTT 5 spec in kebab case, e.g. `puback:not-authorized`
//   (0x87), `pubrec:quota-exceeded` (0x97), `pubcomp:packet-identifier-not-found` (0x92); an
//   unnamed code is `puback:code-<n>`. The QoS 2 flow stops at a refusing PUBREC: no PUBREL.
// - `protocol:puback-for-qos2`: a QoS 2 publish answered with PUBACK (the exchange is over, the
//   message may have been downgraded to QoS 1);
// - `protocol:pubrec-for-qos1`: a QoS 1 publish answered with PUBREC (no PUBREL is sent);
// - `protocol:pubcomp-for-qos1`: a QoS 1 publish answered with PUBCOMP.
// In every case the packet id is freed and `onPublishAck` is not called for that publish.

export interface Listener<C> {
  /** CONNACK arrived: `reason` is null when accepted, else e.g. `connack:not-authorized`. */
  onConnack(conn: C, reason: string | null): void;
  /**
   * One SUBACK return code; `reason` null when granted, and then `grantedQos` is the QoS the
   * broker granted (0..2, maybe below the one asked for); -1 when refused.
   */
  onSuback(conn: C, index: number, reason: string | null, grantedQos: number): void;
  /** The broker acknowledged (PUBACK, or PUBCOMP for QoS 2) a publish whose intended send time was `intendedMs`. */
  onPublishAck(conn: C, intendedMs: number): void;
  /**
   * The broker refused a publish (an ack with a failure reason code) or answered it with the
   * wrong ack for its QoS; `reason` is one of the names above. Never followed by `onPublishAck`.
   */
  onPublishRefused(conn: C, reason: string, intendedMs: number): void;
  /**
   * A PUBLISH arrived; payload is `buf[start, end)`. `nowMs` is the wall clock at receipt.
   * `retained` is set for a stored message replayed on subscribe (not a live delivery).
   */
  onMessage(conn: C, buf: Buffer, start: number, end: number, nowMs: number, retained: boolean): void;
  /** The socket closed. `reason` is null for a close we asked for. */
  onClose(conn: C, reason: string | null): void;
}
