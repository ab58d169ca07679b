// Acknowledgements produced while parsing one chunk are gathered in one shared scratch buffer and
// written once per chunk: one socket write (and one copy) instead of one per ack.
import type { Wire } from './receiver.ts';
import { writeAck } from './fast-codec.ts';

const scratch = Buffer.allocUnsafe(64 * 1024);
let length = 0;

/** Starts a new batch (at the start of each chunk). */
export function resetAcks(): void {
  length = 0;
}

/** Adds a 4-byte ack (PUBACK, PUBREC, PUBREL, PUBCOMP) to the batch; flushes when full. */
export function queueAck(socket: Wire, type: number, pid: number): void {
  if (length + 4 > scratch.length) flushAcks(socket);
  length = writeAck(scratch, length, type, pid);
}

/** Writes the batch, if any; returns whether anything was written. */
export function flushAcks(socket: Wire): boolean {
  if (length === 0) return false;
  socket.write(Buffer.from(scratch.subarray(0, length)));
  length = 0;
  return true;
}
