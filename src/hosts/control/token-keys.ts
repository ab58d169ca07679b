// Everything the control plane derives from the shared token, each under its own HKDF-SHA256
// label so that one never reveals another: the control broker login, and the key that seals
// every message body (AES-256-GCM, a fresh random 12-byte nonce per message, the topic as
// associated data so a sealed body cannot be moved to another topic).

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const SALT = 'fleetstorm-control-v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** The fixed user name of the control broker login; the password comes from the token. */
export const CONTROL_USERNAME = 'fleetstorm';

function derive(token: string, label: string): Buffer {
  if (!token) throw new Error('the control plane needs a shared token');
  return Buffer.from(hkdfSync('sha256', token, SALT, label, 32));
}

export interface ControlLogin {
  username: string;
  password: string;
}

/** The login every token holder presents to an embedded control broker (and only they can). */
export function controlLogin(token: string): ControlLogin {
  return { username: CONTROL_USERNAME, password: derive(token, 'login').toString('hex') };
}

/** True when `username`/`password` are the token's login; constant time in the password. */
export function isControlLogin(login: ControlLogin, username: string | undefined, password: Buffer | undefined): boolean {
  if (username !== login.username || !password) return false;
  const expected = Buffer.from(login.password);
  return password.length === expected.length && timingSafeEqual(password, expected);
}

/** Seals and opens message bodies under the token's sealing key. */
export class Sealer {
  private readonly key: Buffer;

  constructor(token: string) {
    this.key = derive(token, 'seal');
  }

  /** base64 of nonce ‖ ciphertext ‖ tag. */
  seal(topic: string, plaintext: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(topic));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
  }

  /** The plaintext, or null when the box was not sealed under this key for this topic. */
  open(topic: string, box: string): string | null {
    const bytes = Buffer.from(box, 'base64');
    if (bytes.length < NONCE_BYTES + TAG_BYTES) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(topic));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
