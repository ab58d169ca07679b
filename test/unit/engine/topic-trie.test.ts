import { describe, expect, it } from 'vitest';
import { TopicTrie, parseShared, topicMatches } from '../../../src/engine/topic-trie.ts';

describe('topicMatches', () => {
  const table: [string, string, boolean][] = [
    ['a/b/c', 'a/b/c', true],
    ['a/b/c', 'a/b', false],
    ['a/b', 'a/b/c', false],
    ['A/b', 'a/b', false], // case sensitive
    ['a/+/c', 'a/b/c', true],
    ['a/+/c', 'a/b/d', false],
    ['a/+/c', 'a/b/x/c', false],
    ['+', 'a', true],
    ['+', 'a/b', false],
    ['+/+', '/', true], // empty levels are levels
    ['+/a', '/a', true],
    ['a/+', 'a/', true],
    ['a/+', 'a', false],
    ['#', 'a', true],
    ['#', 'a/b/c', true],
    ['a/#', 'a', true], // '#' also matches the parent level (MQTT §4.7.1.2)
    ['a/#', 'a/b', true],
    ['a/#', 'a/b/c/d', true],
    ['a/#', 'ab', false],
    ['a/#', 'b/a', false],
    ['a/+/#', 'a/b', true],
    ['a/+/#', 'a/b/c', true],
    ['a/+/#', 'a', false],
    ['+/+/state', 'home/1/state', true],
    ['home/+/lock/state', 'home/17/lock/state', true],
    ['home/+/lock/state', 'home/17/lock/cmd', false],
    // Topics starting with $ are not matched by a leading wildcard (MQTT §4.7.2).
    ['#', '$SYS/x', false],
    ['+/x', '$SYS/x', false],
    ['+', '$SYS', false],
    ['$SYS/#', '$SYS/x', true],
    ['$SYS/+', '$SYS/x', true],
    ['$SYS/x', '$SYS/x', true],
    ['a/#', 'a/$x', true], // only the first level is special
    ['a/+', 'a/$x', true],
  ];
  it.each(table)('%s vs %s → %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});

describe('TopicTrie', () => {
  it('visits every (filter, target) pair that matches, once each', () => {
    const trie = new TopicTrie();
    const filters: [string, number][] = [
      ['home/1/lock/state', 1],
      ['home/+/lock/state', 2],
      ['home/#', 3],
      ['#', 4],
      ['+/+/+/+', 5],
      ['home/1/lock/cmd', 6],
      ['home/+/lock/state', 7], // same filter, other target
      ['home/+/lock/+', 2], // same target, second matching filter: visited twice
      ['office/#', 8],
    ];
    for (const [f, t] of filters) trie.add(f, t);
    const visits = (topic: string) => {
      const out: number[] = [];
      trie.match(topic, (t) => out.push(t));
      return out.sort((a, b) => a - b);
    };
    expect(visits('home/1/lock/state')).toEqual([1, 2, 2, 3, 4, 5, 7]);
    expect(visits('home/2/lock/state')).toEqual([2, 2, 3, 4, 5, 7]);
    expect(visits('home/1/lock/cmd')).toEqual([2, 3, 4, 5, 6]);
    expect(visits('home')).toEqual([3, 4]);
    expect(visits('office')).toEqual([4, 8]);
    expect(visits('garage/1')).toEqual([4]);
    expect(visits('$SYS/broker/load')).toEqual([]);
  });

  it('matches a fleet of per-client filters without cross-talk', () => {
    const trie = new TopicTrie();
    for (let i = 0; i < 1000; i++) trie.add(`home/${i}/lock/cmd`, i);
    for (const i of [0, 1, 10, 100, 999]) {
      const hits: number[] = [];
      trie.match(`home/${i}/lock/cmd`, (t) => hits.push(t));
      expect(hits).toEqual([i]);
    }
    const none: number[] = [];
    trie.match('home/1000/lock/cmd', (t) => none.push(t));
    expect(none).toEqual([]);
  });
});

describe('parseShared', () => {
  it('splits $share/<name>/<filter>', () => {
    expect(parseShared('$share/workers/home/+/lock/state')).toEqual({ share: 'workers', filter: 'home/+/lock/state' });
    expect(parseShared('$share/g/#')).toEqual({ share: 'g', filter: '#' });
    expect(parseShared('$share/g/a/$share/b')).toEqual({ share: 'g', filter: 'a/$share/b' });
  });

  it('returns null for ordinary or incomplete filters', () => {
    expect(parseShared('home/#')).toBeNull();
    expect(parseShared('$SYS/#')).toBeNull();
    expect(parseShared('$share')).toBeNull();
    expect(parseShared('$share/')).toBeNull();
    expect(parseShared('$share/name-only')).toBeNull();
    expect(parseShared('$share//a')).toBeNull(); // empty share name
    expect(parseShared('$shared/g/a')).toBeNull();
    expect(parseShared('x/$share/g/a')).toBeNull();
  });
});
