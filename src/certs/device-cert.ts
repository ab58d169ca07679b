// Device certificates by the hundred thousand. @peculiar/x509's generator takes about 4 ms a
// certificate here (it serializes through a schema layer and parses its own result back), so the
// parts every device shares (issuer, validity, extensions, algorithm identifiers) are encoded once
// through @peculiar/x509 and reused as parsed asn1js blocks; per device only the serial number,
// the subject and the public key are new. The key pair comes from ECDH (OpenSSL's keygen alone;
// its key encoders cost four times the keygen), and the CA signs with node:crypto.
import { createECDH, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import type { AuthorityMaterial, Validity } from './authority.ts';
import { x509 } from './x509.ts';

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_P256 = '1.2.840.10045.3.1.7';
const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OID_COMMON_NAME = '2.5.4.3';
/** Bytes of a P-256 private scalar. */
const SCALAR_BYTES = 32;

export interface DeviceCredentials {
  certPem: string;
  keyPem: string;
}

/** One parsed block from DER that the library encoded; reused as a child of every certificate. */
function block(der: ArrayBuffer | Uint8Array): asn1js.AsnType {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) throw new Error(`internal: cannot parse encoded block: ${parsed.result.error}`);
  return parsed.result;
}

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds. */
function time(date: Date): asn1js.AsnType {
  const valueDate = new Date(Math.floor(date.getTime() / 1000) * 1000);
  return valueDate.getUTCFullYear() < 2050 ? new asn1js.UTCTime({ valueDate }) : new asn1js.GeneralizedTime({ valueDate });
}

const algorithm = (...oids: string[]) => new asn1js.Sequence({ value: oids.map((value) => new asn1js.ObjectIdentifier({ value })) });

/** The DER every device certificate shares, encoded once. */
interface SharedParts {
  version: asn1js.AsnType;
  signatureAlgorithm: asn1js.AsnType;
  issuer: asn1js.AsnType;
  validity: asn1js.AsnType;
  extensions: asn1js.AsnType;
}

async function sharedParts(ca: x509.X509Certificate, validity: Validity): Promise<SharedParts> {
  const extensions = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
    await x509.AuthorityKeyIdentifierExtension.create(ca),
  ];
  return {
    version: new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Integer({ value: 2 })] }),
    signatureAlgorithm: algorithm(OID_ECDSA_SHA256),
    issuer: block(ca.subjectName.toArrayBuffer()),
    validity: new asn1js.Sequence({ value: [time(validity.notBefore), time(validity.notAfter)] }),
    extensions: new asn1js.Constructed({
      idBlock: { tagClass: 3, tagNumber: 3 },
      value: [new asn1js.Sequence({ value: extensions.map((e) => block(e.rawData)) })],
    }),
  };
}

const EC_KEY_ALGORITHM = algorithm(OID_EC_PUBLIC_KEY, OID_P256);

/** A P-256 private key as PKCS #8 (RFC 5208 wrapping the RFC 5915 ECPrivateKey), in DER. ECDH
 * drops leading zero bytes of the scalar; RFC 5915 wants all 32. */
export function ecPrivateKeyPkcs8(scalar: Buffer, point: Buffer): ArrayBuffer {
  const padded = scalar.length === SCALAR_BYTES ? scalar : Buffer.concat([Buffer.alloc(SCALAR_BYTES - scalar.length), scalar]);
  const ecPrivateKey = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 1 }),
      new asn1js.OctetString({ valueHex: padded }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [new asn1js.BitString({ valueHex: point })] }),
    ],
  });
  return new asn1js.Sequence({
    value: [new asn1js.Integer({ value: 0 }), EC_KEY_ALGORITHM, new asn1js.OctetString({ valueHex: ecPrivateKey.toBER() })],
  }).toBER();
}

export interface DeviceMinterOptions {
  validity: Validity;
  /** Leading bytes of every serial number, random per run: serials stay unique under one CA
   * when the same CA mints again. First byte 0x01..0x7f (a positive, minimal DER INTEGER). */
  serialPrefix: Uint8Array;
}

/** Mints device certificates signed by one CA; `mint` is synchronous and costs well under 1 ms. */
export class DeviceMinter {
  private constructor(
    private readonly parts: SharedParts,
    private readonly caKey: KeyObject,
    private readonly serialPrefix: Uint8Array,
  ) {}

  static async create(ca: AuthorityMaterial, opts: DeviceMinterOptions): Promise<DeviceMinter> {
    const first = opts.serialPrefix[0];
    if (opts.serialPrefix.length > 16 || first === undefined || first < 1 || first > 0x7f) {
      throw new Error('internal: serial prefix must be 1..16 bytes starting with 0x01..0x7f');
    }
    const parts = await sharedParts(new x509.X509Certificate(ca.certDer), opts.validity);
    const caKey = createPrivateKey({ key: Buffer.from(ca.keyPkcs8), format: 'der', type: 'pkcs8' });
    return new DeviceMinter(parts, caKey, opts.serialPrefix);
  }

  /** Certificate (CN = clientId, serial = prefix + index) and its new private key, as PEM. */
  mint(index: number, clientId: string): DeviceCredentials {
    const ecdh = createECDH('prime256v1');
    const point = ecdh.generateKeys();
    const p = this.parts;
    const serial = new Uint8Array(this.serialPrefix.length + 4);
    serial.set(this.serialPrefix);
    new DataView(serial.buffer).setUint32(this.serialPrefix.length, index);
    const subject = new asn1js.Sequence({
      value: [
        new asn1js.Set({
          value: [
            new asn1js.Sequence({
              value: [new asn1js.ObjectIdentifier({ value: OID_COMMON_NAME }), new asn1js.Utf8String({ value: clientId })],
            }),
          ],
        }),
      ],
    });
    const publicKeyInfo = new asn1js.Sequence({ value: [EC_KEY_ALGORITHM, new asn1js.BitString({ valueHex: point })] });
    const tbs = new asn1js.Sequence({
      value: [
        p.version,
        new asn1js.Integer({ valueHex: serial }),
        p.signatureAlgorithm,
        p.issuer,
        p.validity,
        subject,
        publicKeyInfo,
        p.extensions,
      ],
    });
    const signature = sign('sha256', new Uint8Array(tbs.toBER()), { key: this.caKey, dsaEncoding: 'der' });
    const cert = new asn1js.Sequence({ value: [tbs, p.signatureAlgorithm, new asn1js.BitString({ valueHex: signature })] }).toBER();
    return {
      certPem: x509.PemConverter.encode(cert, 'CERTIFICATE') + '\n',
      keyPem: x509.PemConverter.encode(ecPrivateKeyPkcs8(ecdh.getPrivateKey(), point), 'PRIVATE KEY') + '\n',
    };
  }
}
