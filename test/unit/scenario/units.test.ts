import { describe, expect, it } from 'vitest';
import { parseDuration, parseRate, parseSize } from '../../../src/scenario/units.ts';
import { expandAddress } from '../../../src/scenario/addresses.ts';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['60s', 60_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1.5s', 1_500],
    ['0s', 0],
    [0, 0],
  ])('%j → %d ms', (input, ms) => {
    expect(parseDuration(input)).toEqual({ ok: true, value: ms });
  });

  it('refuses bare numbers other than 0 and suggests a unit', () => {
    expect(parseDuration(60)).toEqual({
      ok: false,
      message: 'must be a duration like 500ms, 60s, 5m or 1h, got 60 (add a unit: 60ms or 60s?)',
    });
  });

  it.each(['60', '5 min', '-1s', 's', '1d', ''])('refuses %j', (input) => {
    const result = parseDuration(input);
    expect(result.ok).toBe(false);
  });
});

describe('parseRate', () => {
  it.each([
    ['100/s', 100],
    ['30/m', 0.5],
    ['2/h', 2 / 3600],
    ['0.2/s', 0.2],
    ['40 / s', 40],
  ])('%j → %d per second', (input, perSecond) => {
    expect(parseRate(input)).toEqual({ ok: true, value: perSecond });
  });

  it('refuses zero, bare numbers and unknown units', () => {
    expect(parseRate('0/s')).toEqual({ ok: false, message: 'must be above zero, got "0/s"' });
    expect(parseRate(100)).toEqual({ ok: false, message: 'must be a rate like 100/s, 30/m or 2/h, got 100 (add a unit: 100/s?)' });
    expect(parseRate('5/d').ok).toBe(false);
    expect(parseRate('-1/s').ok).toBe(false);
  });
});

describe('parseSize', () => {
  it('takes whole byte counts only', () => {
    expect(parseSize(96)).toEqual({ ok: true, value: 96 });
    expect(parseSize(0)).toEqual({ ok: true, value: 0 });
    expect(parseSize(1.5, 100)).toEqual({ ok: false, message: 'must be a whole number of bytes from 0 to 100, got 1.5' });
    expect(parseSize('1KB', 100).ok).toBe(false);
    expect(parseSize(101, 100).ok).toBe(false);
  });
});

describe('expandAddress', () => {
  it('expands an inclusive range across an octet boundary', () => {
    expect(expandAddress('127.0.0.254-127.0.1.1')).toEqual({ ok: true, value: ['127.0.0.254', '127.0.0.255', '127.0.1.0', '127.0.1.1'] });
    expect(expandAddress('127.0.0.2')).toEqual({ ok: true, value: ['127.0.0.2'] });
  });

  it('rejects malformed addresses, reversed and oversized ranges', () => {
    expect(expandAddress('127.0.0.256')).toEqual({
      ok: false,
      message: 'must be an IPv4 address or a range like 127.0.0.2-127.0.0.9, got "127.0.0.256"',
    });
    expect(expandAddress('127.0.0.9-127.0.0.2')).toEqual({ ok: false, message: 'range "127.0.0.9-127.0.0.2" ends before it starts' });
    expect(expandAddress('10.0.0.0-10.2.0.0')).toEqual({ ok: false, message: 'range "10.0.0.0-10.2.0.0" has more than 65536 addresses' });
    expect(expandAddress('::1').ok).toBe(false);
    expect(expandAddress('127.0.0.01').ok).toBe(false);
  });
});
