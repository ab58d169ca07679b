import { describe, expect, it } from 'vitest';
import { Signer, Verifier } from '../../../../src/hosts/control/envelope.ts';
import { controlTopics } from '../../../../src/hosts/control/topics.ts';

const TOPIC = 'fleetstorm/agents/a1/in';
const body = { kind: 'cmd', run: 'r1', cmd: { type: 'connect' } };

function pair(now = () => 1_000_000) {
  return { signer: new Signer('s3cret', 'coordinator', now), verifier: new Verifier('s3cret', { now, windowMs: 60_000 }) };
}

describe('control envelope: HMAC', () => {
  it('accepts what the same token signed, body intact', () => {
    const { signer, verifier } = pair();
    const v = verifier.verify(TOPIC, signer.sign(TOPIC, body));
    expect(v).toEqual({ ok: true, envelope: { from: 'coordinator', session: signer.session, seq: 1, ts: 1_000_000, body } });
    expect(verifier.rejectedTotal).toBe(0);
  });

  it('carries the body sealed: nothing of it readable on the wire', () => {
    const { signer } = pair();
    const wire = signer.sign(TOPIC, { kind: 'cmd', password: 'SuperSecret42' }).toString();
    expect(wire.includes('SuperSecret42') || wire.includes('password') || wire.includes('cmd')).toBe(false);
    expect(JSON.parse(wire.slice(65)) as object).toEqual({
      from: 'coordinator',
      session: signer.session,
      seq: 1,
      ts: 1_000_000,
      box: expect.any(String),
    });
  });

  it('rejects and counts a message signed with another token', () => {
    const { verifier } = pair();
    const forged = new Signer('wrong', 'coordinator', () => 1_000_000).sign(TOPIC, body);
    expect(verifier.verify(TOPIC, forged)).toEqual({ ok: false, reason: 'bad-mac' });
    expect(verifier.rejected['bad-mac']).toBe(1);
  });

  it('rejects a body altered after signing', () => {
    const { signer, verifier } = pair();
    // The body is sealed: flip one character of the box (the MAC covers it, as GCM's tag does).
    const wire = signer.sign(TOPIC, body).toString();
    const at = wire.indexOf('"box":"') + 10;
    const tampered = wire.slice(0, at) + (wire[at] === 'A' ? 'B' : 'A') + wire.slice(at + 1);
    expect(verifier.verify(TOPIC, tampered)).toEqual({ ok: false, reason: 'bad-mac' });
  });

  it("rejects a genuine message moved to another agent's topic", () => {
    const { signer, verifier } = pair();
    expect(verifier.verify('fleetstorm/agents/a2/in', signer.sign(TOPIC, body))).toEqual({ ok: false, reason: 'bad-mac' });
  });

  it('rejects a replay and a redelivered duplicate, keeps later messages', () => {
    const { signer, verifier } = pair();
    const first = signer.sign(TOPIC, body);
    const second = signer.sign(TOPIC, body);
    expect(verifier.verify(TOPIC, first).ok).toBe(true);
    expect(verifier.verify(TOPIC, first)).toEqual({ ok: false, reason: 'replay' });
    expect(verifier.verify(TOPIC, second).ok).toBe(true);
    expect(verifier.verify(TOPIC, first)).toEqual({ ok: false, reason: 'replay' });
    expect(verifier.rejected.replay).toBe(2);
  });

  it('rejects a message older than the window, but not a last will signed long ago', () => {
    let clock = 1_000_000;
    const signer = new Signer('s3cret', 'a1', () => 1_000_000);
    const verifier = new Verifier('s3cret', { now: () => clock, windowMs: 60_000 });
    const status = 'fleetstorm/agents/a1/status';
    const will = signer.signWill(status, { kind: 'offline' }); // signed at connect time
    expect(verifier.verify(status, signer.sign(status, { kind: 'hello' })).ok).toBe(true);
    clock += 3_600_000; // an hour later the connection dies and the broker publishes the will
    expect(verifier.verify(TOPIC, signer.sign(TOPIC, body))).toEqual({ ok: false, reason: 'stale' });
    const v = verifier.verify(status, will);
    expect(v.ok && v.envelope.seq).toBe(Number.MAX_SAFE_INTEGER);
    expect(verifier.verify(status, will)).toEqual({ ok: false, reason: 'replay' });
    expect(verifier.rejected).toEqual({ malformed: 0, 'bad-mac': 0, stale: 1, replay: 1 });
  });

  it('rejects malformed payloads', () => {
    const { verifier } = pair();
    expect(verifier.verify(TOPIC, 'hello')).toEqual({ ok: false, reason: 'malformed' });
    expect(verifier.verify(TOPIC, `${'0'.repeat(64)}.{}`)).toEqual({ ok: false, reason: 'bad-mac' });
    expect(verifier.rejected).toEqual({ malformed: 1, 'bad-mac': 1, stale: 0, replay: 0 });
  });

  it('needs a token', () => {
    expect(() => new Signer('', 'x')).toThrow('shared token');
    expect(() => new Verifier('')).toThrow('shared token');
  });
});

describe('control topics', () => {
  it('lays topics out under the prefix and finds the agent in them', () => {
    const t = controlTopics('fs');
    expect([t.coordinator('r1'), t.status('a1'), t.in('a1'), t.out('a1'), t.anyStatus, t.anyOut]).toEqual([
      'fs/coordinator/r1',
      'fs/agents/a1/status',
      'fs/agents/a1/in',
      'fs/agents/a1/out',
      'fs/agents/+/status',
      'fs/agents/+/out',
    ]);
    expect(t.agentOf('fs/agents/a1/out')).toBe('a1');
    expect(t.agentOf('fs/coordinator/r1')).toBe(null);
    expect(() => controlTopics('fs/#')).toThrow('may not');
  });
});
