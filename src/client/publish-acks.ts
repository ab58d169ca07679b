// The broker's answers to our QoS 1 and QoS 2 publishes. An MQTT 5 ack may refuse (reason code
// ≥ 0x80; 0x10 "no matching subscribers" is a success), and an ack may not fit the publish's QoS:
// both end the exchange, free the packet id and go to `onPublishRefused`, never `onPublishAck`.
// Reason names are listed in listener.ts.
import { queueAck } from './ack-batch.ts';
import { PT_PUBACK, PT_PUBCOMP, PT_PUBREC, PT_PUBREL, ackReason } from './fast-codec.ts';
import type { Receiver } from './receiver.ts';

/** Reason code of an ack frame `buf[body, end)`: absent (MQTT 3.1.1, or 5.0 shortened) means 0. */
function reasonCode(conn: Receiver, buf: Buffer, body: number, end: number): number {
  return conn.protocol === 5 && end - body > 2 ? buf[body + 2] : 0;
}

function refuse(conn: Receiver, pid: number, reason: string): void {
  const t = conn.untrack(pid);
  if (t >= 0) conn.listener.onPublishRefused(conn, reason, t);
}

/** PUBACK (QoS 1 done) or PUBCOMP (QoS 2 done). */
export function onFinalAck(conn: Receiver, type: number, buf: Buffer, body: number, end: number): void {
  const pid = buf.readUInt16BE(body);
  const qos = conn.qosOf(pid);
  if (qos < 0) return; // not ours (already answered, or from before a reconnect)
  const code = reasonCode(conn, buf, body, end);
  if (type === PT_PUBACK && qos === 2) refuse(conn, pid, 'protocol:puback-for-qos2');
  else if (type === PT_PUBCOMP && qos === 1) refuse(conn, pid, 'protocol:pubcomp-for-qos1');
  else if (code >= 0x80) refuse(conn, pid, ackReason(type, code));
  else conn.listener.onPublishAck(conn, conn.untrack(pid));
}

/** PUBREC: the broker has a QoS 2 publish; PUBREL releases it, unless the broker refused it. */
export function onPubrec(conn: Receiver, buf: Buffer, body: number, end: number): void {
  const pid = buf.readUInt16BE(body);
  const qos = conn.qosOf(pid);
  const code = reasonCode(conn, buf, body, end);
  if (qos === 1) refuse(conn, pid, 'protocol:pubrec-for-qos1');
  else if (code >= 0x80) refuse(conn, pid, ackReason(PT_PUBREC, code));
  // Unknown ids are released too: the broker holds the message until it gets PUBREL.
  else queueAck(conn.socket!, PT_PUBREL, pid);
}
