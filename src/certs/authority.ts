// The test certificate authority of `fleetstorm certs`, and the broker's server certificate it
// signs: a handful of certificates, made with @peculiar/x509's generator (readable, every
// extension by name). Device certificates, 130,000 at a time, go through device-cert.ts instead.
import { isIP } from 'node:net';
import { webcrypto } from 'node:crypto';
import { EC_P256, x509 } from './x509.ts';

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

/** A CA as the device minter needs it: plain bytes, so it crosses to worker threads. */
export interface AuthorityMaterial {
  /** DER of the CA certificate. */
  certDer: Uint8Array<ArrayBuffer>;
  /** PKCS #8 DER of the CA private key. */
  keyPkcs8: Uint8Array<ArrayBuffer>;
}

export interface Authority extends AuthorityMaterial {
  certPem: string;
  keyPem: string;
  /** The CA key as WebCrypto wants it, for signing the server certificate. */
  signingKey: CryptoKey;
  cert: x509.X509Certificate;
}

export interface PemPair {
  certPem: string;
  keyPem: string;
}

export const CA_NAME = 'CN=fleetstorm test CA';

async function newKeyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function pkcs8Of(key: CryptoKey): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', key));
}

export function keyPem(pkcs8: Uint8Array<ArrayBuffer>): string {
  return x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
}

/** A self-signed CA that may sign end-entity certificates only (path length 0). */
export async function createAuthority(validity: Validity): Promise<Authority> {
  const keys = await newKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: CA_NAME,
    keys,
    ...validity,
    signingAlgorithm: EC_P256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const keyPkcs8 = await pkcs8Of(keys.privateKey);
  return {
    cert,
    certDer: new Uint8Array(cert.rawData),
    certPem: cert.toString('pem') + '\n',
    keyPkcs8,
    keyPem: keyPem(keyPkcs8),
    signingKey: keys.privateKey,
  };
}

/** A TLS server certificate for `names` (host names or IP addresses; the first is the CN). */
export async function createServerCert(ca: Authority, names: readonly string[], validity: Validity): Promise<PemPair> {
  if (names.length === 0) throw new Error('a server certificate needs at least one name');
  const keys = await newKeyPair();
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${names[0]}`,
    issuer: ca.cert.subject,
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    ...validity,
    signingAlgorithm: EC_P256,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: isIP(value) ? ('ip' as const) : ('dns' as const), value }))),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: keyPem(await pkcs8Of(keys.privateKey)) };
}
