import { describe, expect, it } from 'vitest';
import { Connection, type ConnectionListener } from '../../../src/client/connection.ts';
import { mulberry32 as rng } from '../../../src/scenario/random.ts';

// The ring never calls the listener; it is here because the constructor needs one.
const idle: ConnectionListener = {
  onConnack() {},
  onSuback() {},
  onPublishAck() {},
  onPublishRefused() {},
  onMessage() {},
  onClose() {},
};

describe('Connection in-flight ring', () => {
  it('returns -1 for an empty ring and an unknown pid', () => {
    const c = new Connection(idle, 0, 4);
    expect(c.untrack(1)).toBe(-1);
    c.track(1, 100);
    expect(c.untrack(2)).toBe(-1);
    expect(c.inFlight).toBe(1);
    expect(c.untrack(1)).toBe(100);
    expect(c.untrack(1)).toBe(-1); // already acked
    expect(c.inFlight).toBe(0);
  });

  it('acks in order', () => {
    const c = new Connection(idle, 0, 4);
    for (let pid = 1; pid <= 5; pid++) c.track(pid, 1000 + pid);
    expect([1, 2, 3, 4, 5].map((p) => c.untrack(p))).toEqual([1001, 1002, 1003, 1004, 1005]);
    expect(c.inFlight).toBe(0);
  });

  it('acks out of order and keeps the rest in order', () => {
    const c = new Connection(idle, 0, 4);
    for (let pid = 1; pid <= 6; pid++) c.track(pid, pid * 10);
    expect(c.untrack(4)).toBe(40);
    expect(c.untrack(6)).toBe(60);
    expect(c.untrack(1)).toBe(10);
    expect(c.inFlight).toBe(3);
    expect([2, 3, 5].map((p) => c.untrack(p))).toEqual([20, 30, 50]);
    expect(c.inFlight).toBe(0);
  });

  it('grows beyond 8 while the head has wrapped around', () => {
    const c = new Connection(idle, 0, 4);
    for (let pid = 1; pid <= 6; pid++) c.track(pid, pid + 0.5);
    for (let pid = 1; pid <= 5; pid++) expect(c.untrack(pid)).toBe(pid + 0.5);
    // Head is at slot 5 of 8; the next 7 tracks wrap, the 8th and later force growth.
    for (let pid = 7; pid <= 40; pid++) c.track(pid, pid + 0.5);
    expect(c.inFlight).toBe(35);
    expect(c.ring!.length).toBeGreaterThanOrEqual(70);
    expect(c.untrack(23)).toBe(23.5); // out of order after growth
    const rest: number[] = [];
    for (let pid = 6; pid <= 40; pid++) if (pid !== 23) rest.push(c.untrack(pid));
    expect(rest).toEqual([...Array.from({ length: 35 }, (_, k) => k + 6.5)].filter((t) => t !== 23.5));
    expect(c.inFlight).toBe(0);
  });

  it('matches a reference model over 20,000 random operations with wraparound and growth', () => {
    const random = rng(7);
    const c = new Connection(idle, 0, 5);
    const model: [number, number][] = [];
    let time = 0;
    const wrong: string[] = [];
    const check = (op: number, what: string, got: number, want: number) => {
      if (got !== want && wrong.length < 5) wrong.push(`op ${op} ${what}: got ${got}, want ${want}`);
    };
    for (let op = 0; op < 20_000; op++) {
      const r = random();
      if (model.length === 0 || r < 0.52) {
        const pid = c.allocPid();
        time += 1.25;
        c.track(pid, time);
        model.push([pid, time]);
      } else if (r < 0.9) {
        const [pid, t] = model.shift()!; // in order, what a conforming broker does
        check(op, `untrack ${pid}`, c.untrack(pid), t);
      } else if (r < 0.97) {
        const k = Math.floor(random() * model.length);
        const [[pid, t]] = model.splice(k, 1);
        check(op, `untrack ${pid} out of order`, c.untrack(pid), t);
      } else {
        check(op, 'untrack unknown', c.untrack(70_000), -1);
      }
      check(op, 'inFlight', c.inFlight, model.length);
    }
    expect(wrong).toEqual([]);
    expect(model.length).toBeGreaterThan(100); // the ring really grew well past 8
    for (const [pid, t] of model) expect(c.untrack(pid)).toBe(t);
    expect(c.inFlight).toBe(0);
  });

  it("keeps each entry's QoS beside its packet id, through out-of-order acks and growth", () => {
    const c = new Connection(idle, 0, 4);
    for (let pid = 65_530; pid <= 65_535; pid++) c.track(pid, pid + 0.25);
    for (let pid = 1; pid <= 20; pid++) c.track(pid, pid + 0.25);
    expect(c.qosOf(65_533)).toBe(0); // tracked, QoS not known yet
    for (let pid = 1; pid <= 20; pid++) c.noteQos(pid, pid % 2 === 0 ? 2 : 1);
    c.noteQos(65_535, 2);
    expect([c.qosOf(65_535), c.qosOf(1), c.qosOf(2), c.qosOf(7)]).toEqual([2, 1, 2, 1]);
    expect(c.qosOf(21)).toBe(-1);
    expect(c.untrack(65_535)).toBe(65_535.25); // out of order, carrying QoS bits
    expect(c.untrack(2)).toBe(2.25);
    expect(c.qosOf(65_535)).toBe(-1);
    expect(c.qosOf(4)).toBe(2);
    expect(c.untrack(65_530)).toBe(65_530.25);
    expect(c.inFlight).toBe(23);
  });

  it('allocates packet ids 1..65535 and wraps past 0', () => {
    const c = new Connection(idle, 0, 4);
    expect(c.allocPid()).toBe(1);
    c.nextPid = 65_534;
    expect([c.allocPid(), c.allocPid(), c.allocPid()]).toEqual([65_535, 1, 2]);
  });
});
