// The per-device DER framing (src/certs/der.ts, device-cert.ts) checked byte for byte against
// independent encoders: asn1js for the generic blocks, OpenSSL (node:crypto) for keys.
import { createECDH, createPrivateKey, createPublicKey, randomBytes, X509Certificate, type JsonWebKey } from 'node:crypto';
import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { createAuthority } from '../../../src/certs/authority.ts';
import { pem, tlv, TAG } from '../../../src/certs/der.ts';
import { DeviceMinter, ecPrivateKeyPkcs8, subjectName, subjectPublicKeyInfo } from '../../../src/certs/device-cert.ts';
import { x509 } from '../../../src/certs/x509.ts';

const asn1 = (block: { toBER(): ArrayBuffer }) => Buffer.from(block.toBER());
const LONG_ID = 'lock-' + 'x'.repeat(300);

function p256(): { scalar: Buffer; point: Buffer; jwk: JsonWebKey } {
  const ecdh = createECDH('prime256v1');
  const point = ecdh.generateKeys();
  const scalar = ecdh.getPrivateKey();
  const jwk = { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') };
  return { scalar, point, jwk: { ...jwk, d: Buffer.concat([Buffer.alloc(32 - scalar.length), scalar]).toString('base64url') } };
}

describe('tlv', () => {
  it.each([0, 1, 127, 128, 255, 256, 4095, 65_535, 65_536])('frames %i content bytes as asn1js does', (length) => {
    const content = randomBytes(length);
    expect(tlv(TAG.OCTET_STRING, content)).toEqual(asn1(new asn1js.OctetString({ valueHex: content })));
  });

  it('concatenates several parts into one content', () => {
    const parts = [randomBytes(100), randomBytes(50)];
    expect(tlv(TAG.SEQUENCE, ...parts)).toEqual(tlv(TAG.SEQUENCE, Buffer.concat(parts)));
  });
});

describe('device structures', () => {
  it.each(['lock-0', 'lås-ø-7', LONG_ID])('subjectName(%s) equals the asn1js Name', (clientId) => {
    const cn = new asn1js.Sequence({
      value: [new asn1js.ObjectIdentifier({ value: '2.5.4.3' }), new asn1js.Utf8String({ value: clientId })],
    });
    expect(subjectName(clientId)).toEqual(asn1(new asn1js.Sequence({ value: [new asn1js.Set({ value: [cn] })] })));
  });

  it('subjectPublicKeyInfo and the PKCS #8 key equal what OpenSSL encodes for the same key', () => {
    for (let k = 0; k < 20; k++) {
      const { scalar, point, jwk } = p256();
      expect(subjectPublicKeyInfo(point)).toEqual(createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' }));
      expect(ecPrivateKeyPkcs8(scalar, point)).toEqual(
        createPrivateKey({ key: jwk, format: 'jwk' }).export({ type: 'pkcs8', format: 'der' }),
      );
    }
  });

  it('pem equals the PEM of @peculiar/x509', () => {
    for (const length of [1, 47, 48, 49, 500]) {
      const der = new Uint8Array(randomBytes(length));
      expect(pem('CERTIFICATE', der)).toBe(x509.PemConverter.encode(der, 'CERTIFICATE') + '\n');
    }
  });

  it('a whole device certificate re-encodes unchanged through asn1js and parses in OpenSSL', async () => {
    const validity = { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2051-01-01T00:00:00Z') };
    const ca = await createAuthority(validity);
    const minter = await DeviceMinter.create(ca, { validity, serialPrefix: new Uint8Array([0x7f, 1, 2]) });
    for (const [index, clientId] of [
      [0, 'lock-0'],
      [0xffffffff, LONG_ID],
    ] as const) {
      const { certPem } = minter.mint(index, clientId);
      const der = new X509Certificate(certPem).raw;
      const parsed = asn1js.fromBER(der);
      expect(parsed.offset).toBe(der.length);
      expect(asn1(parsed.result)).toEqual(der);
      const cert = new X509Certificate(certPem);
      expect(cert.subject).toBe(`CN=${clientId}`);
      expect(cert.serialNumber).toBe(`7F0102${index.toString(16).toUpperCase().padStart(8, '0')}`);
      expect(cert.validTo).toBe('Jan  1 00:00:00 2051 GMT'); // GeneralizedTime from 2050
      expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    }
  });
});
