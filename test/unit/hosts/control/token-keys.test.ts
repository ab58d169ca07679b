import { describe, expect, it } from 'vitest';
import { CONTROL_USERNAME, controlLogin, isControlLogin, Sealer } from '../../../../src/hosts/control/token-keys.ts';

const TOPIC = 'fleetstorm/agents/a1/in';

describe('token keys', () => {
  it('seals so that only the same token and topic open it, with a fresh nonce each time', () => {
    const sealer = new Sealer('tok');
    const a = sealer.seal(TOPIC, '{"password":"SuperSecret42"}');
    const b = sealer.seal(TOPIC, '{"password":"SuperSecret42"}');
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64').subarray(0, 12).equals(Buffer.from(b, 'base64').subarray(0, 12))).toBe(false);
    expect(Buffer.from(a, 'base64').includes('SuperSecret42')).toBe(false);
    expect(new Sealer('tok').open(TOPIC, a)).toBe('{"password":"SuperSecret42"}');
    expect(new Sealer('other').open(TOPIC, a)).toBeNull();
    expect(sealer.open('fleetstorm/agents/a2/in', a)).toBeNull();
    const bytes = Buffer.from(a, 'base64');
    bytes[14] ^= 1;
    expect(sealer.open(TOPIC, bytes.toString('base64'))).toBeNull();
    expect(sealer.open(TOPIC, 'AAAA')).toBeNull();
  });

  it('derives a login per token that never contains the token', () => {
    const login = controlLogin('tok');
    expect(login.username).toBe(CONTROL_USERNAME);
    expect(login.password).toMatch(/^[0-9a-f]{64}$/);
    expect(controlLogin('tok')).toEqual(login);
    expect(controlLogin('tok2').password).not.toBe(login.password);
    expect(login.password.includes('tok')).toBe(false);
    expect(isControlLogin(login, 'fleetstorm', Buffer.from(login.password))).toBe(true);
    expect(isControlLogin(login, 'fleetstorm', Buffer.from(controlLogin('x').password))).toBe(false);
    expect(isControlLogin(login, 'other', Buffer.from(login.password))).toBe(false);
    expect(isControlLogin(login, undefined, undefined)).toBe(false);
  });
});
