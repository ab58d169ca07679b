// @peculiar/x509 set up once: it needs a Reflect metadata polyfill loaded before it (its
// dependency injection reads decorators) and a WebCrypto to sign with. Every use of the library in
// fleetstorm imports it from here.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };

/** ECDSA P-256 with SHA-256: keys and signatures of every certificate `fleetstorm certs` makes. */
export const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
