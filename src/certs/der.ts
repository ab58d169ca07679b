// DER framing (ITU-T X.690) for the few structures made per device: a tag byte, a definite length
// in its shortest form, the content. Everything inside them that carries X.509 meaning (names,
// times, extensions, algorithm identifiers) is encoded by the libraries; test/unit/certs checks
// this framing byte for byte against asn1js.

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  /** [1] EXPLICIT, constructed, context-specific. */
  CONTEXT_1: 0xa1,
} as const;

/** X.690 8.1.3: lengths below 128 in one byte, longer ones as 0x80|n followed by n bytes. */
function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  let length = 0;
  for (const part of content) length += part.length;
  return Buffer.concat([Buffer.from([tag]), lengthBytes(length), ...content]);
}

const NO_UNUSED_BITS = Buffer.from([0]);

/** A BIT STRING of whole bytes (a public key point, a signature). */
export const bitString = (bytes: Uint8Array) => tlv(TAG.BIT_STRING, NO_UNUSED_BITS, bytes);

/** RFC 7468 text: base64 in lines of 64 characters between BEGIN and END lines. */
export function pem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let body = '';
  for (let at = 0; at < base64.length; at += 64) body += base64.slice(at, at + 64) + '\n';
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}
