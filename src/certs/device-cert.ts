// Device certificates by the hundred thousand. @peculiar/x509's generator takes about 4 ms a
// certificate here (it serializes through a schema layer and parses its own result back), and
// building each certificate from asn1js blocks still costs about 0.4 ms. So the parts every
// device shares (issuer, validity, extensions, algorithm identifiers) are encoded once by
// @peculiar/x509 and asn1js, and per device only the serial number, the subject and the key are
// framed around them (der.ts). Key pairs come from ECDH (OpenSSL's keygen alone: its key encoders
// cost four times the keygen) and the CA signs with node:crypto.
import { createECDH, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import type { AuthorityMaterial, Validity } from './authority.ts';
import { bitString, pem, TAG, tlv } from './der.ts';
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

const der = (block: { toBER(): ArrayBuffer }) => Buffer.from(block.toBER());
const algorithm = (...oids: string[]) => der(new asn1js.Sequence({ value: oids.map((value) => new asn1js.ObjectIdentifier({ value })) }));

const EC_KEY_ALGORITHM = algorithm(OID_EC_PUBLIC_KEY, OID_P256);
const ECDSA_SHA256 = algorithm(OID_ECDSA_SHA256);
const COMMON_NAME = der(new asn1js.ObjectIdentifier({ value: OID_COMMON_NAME }));
const VERSION_3 = der(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Integer({ value: 2 })] }));
const ONE = Buffer.from([1]);
const ZERO = Buffer.from([0]);

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds. */
function time(date: Date): asn1js.AsnType {
  const valueDate = new Date(Math.floor(date.getTime() / 1000) * 1000);
  return valueDate.getUTCFullYear() < 2050 ? new asn1js.UTCTime({ valueDate }) : new asn1js.GeneralizedTime({ valueDate });
}

/** The DER every device certificate of one CA and run shares, encoded once. */
interface SharedParts {
  issuer: Buffer;
  validity: Buffer;
  extensions: Buffer;
}

async function sharedParts(ca: x509.X509Certificate, validity: Validity): Promise<SharedParts> {
  const extensions = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
    await x509.AuthorityKeyIdentifierExtension.create(ca),
  ];
  const extensionList = new asn1js.Sequence({ value: extensions.map((e) => asn1js.fromBER(e.rawData).result) });
  return {
    issuer: Buffer.from(ca.subjectName.toArrayBuffer()),
    validity: der(new asn1js.Sequence({ value: [time(validity.notBefore), time(validity.notAfter)] })),
    extensions: der(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 3 }, value: [extensionList] })),
  };
}

/** Name with one RDN: CN = clientId (UTF8String). */
export function subjectName(clientId: string): Buffer {
  return tlv(TAG.SEQUENCE, tlv(TAG.SET, tlv(TAG.SEQUENCE, COMMON_NAME, tlv(TAG.UTF8_STRING, Buffer.from(clientId, 'utf8')))));
}

/** SubjectPublicKeyInfo of a P-256 public point (uncompressed, 65 bytes). */
export function subjectPublicKeyInfo(point: Uint8Array): Buffer {
  return tlv(TAG.SEQUENCE, EC_KEY_ALGORITHM, bitString(point));
}

/** A P-256 private key as PKCS #8 (RFC 5208 wrapping the RFC 5915 ECPrivateKey), in DER. ECDH
 * drops leading zero bytes of the scalar; RFC 5915 wants all 32. */
export function ecPrivateKeyPkcs8(scalar: Buffer, point: Uint8Array): Buffer {
  const padded = scalar.length === SCALAR_BYTES ? scalar : Buffer.concat([Buffer.alloc(SCALAR_BYTES - scalar.length), scalar]);
  const ecPrivateKey = tlv(TAG.SEQUENCE, tlv(TAG.INTEGER, ONE), tlv(TAG.OCTET_STRING, padded), tlv(TAG.CONTEXT_1, bitString(point)));
  return tlv(TAG.SEQUENCE, tlv(TAG.INTEGER, ZERO), EC_KEY_ALGORITHM, tlv(TAG.OCTET_STRING, ecPrivateKey));
}

export interface DeviceMinterOptions {
  validity: Validity;
  /** Leading bytes of every serial number, random per run: serials stay unique under one CA
   * when the same CA mints again. First byte 0x01..0x7f (a positive, minimal DER INTEGER). */
  serialPrefix: Uint8Array;
}

/** Mints device certificates signed by one CA; `mint` is synchronous and costs a fraction of a millisecond. */
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

  /** The TBSCertificate of device `index`: serial = prefix + index (32 bits), CN = clientId. */
  tbsCertificate(index: number, clientId: string, point: Uint8Array): Buffer {
    const serial = Buffer.alloc(this.serialPrefix.length + 4);
    serial.set(this.serialPrefix);
    serial.writeUInt32BE(index, this.serialPrefix.length);
    const p = this.parts;
    return tlv(
      TAG.SEQUENCE,
      VERSION_3,
      tlv(TAG.INTEGER, serial),
      ECDSA_SHA256,
      p.issuer,
      p.validity,
      subjectName(clientId),
      subjectPublicKeyInfo(point),
      p.extensions,
    );
  }

  /** Certificate and its new private key, as PEM. */
  mint(index: number, clientId: string): DeviceCredentials {
    const ecdh = createECDH('prime256v1');
    const point = ecdh.generateKeys();
    const tbs = this.tbsCertificate(index, clientId, point);
    const signature = sign('sha256', tbs, { key: this.caKey, dsaEncoding: 'der' });
    const cert = tlv(TAG.SEQUENCE, tbs, ECDSA_SHA256, bitString(signature));
    return {
      certPem: pem('CERTIFICATE', cert),
      keyPem: pem('PRIVATE KEY', ecPrivateKeyPkcs8(ecdh.getPrivateKey(), point)),
    };
  }
}
