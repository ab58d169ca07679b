import { describe, expect, it } from 'vitest';
import { checkTopicFilter, checkTopicName } from '../../../src/scenario/topics.ts';

describe('topic names (publish, will)', () => {
  it.each(['home/1/lock/state', '/leading', 'a//b', '$SYS/x'])('accepts %j', (topic) => {
    expect(checkTopicName(topic)).toBeUndefined();
  });

  it.each([
    ['a/+/b', 'must not contain the wildcards + or # (publish topic "a/+/b")'],
    ['a/#', 'must not contain the wildcards + or # (publish topic "a/#")'],
    ['', 'must not be empty'],
    ['a\u0000b', 'must not contain the NUL character'],
  ])('rejects %j', (topic, message) => {
    expect(checkTopicName(topic)).toBe(message);
  });
});

describe('topic filters (subscribe)', () => {
  it.each(['a/+/b', '+', '#', 'a/#', '+/+/#', '$share/backend/home/+/lock/state', '$share/g/#'])('accepts %j', (filter) => {
    expect(checkTopicFilter(filter)).toBeUndefined();
  });

  it.each([
    ['a/b+/c', '"+" must fill a whole level, like a/+/b (in "a/b+/c")'],
    ['a/#/b', '"#" must be the whole last level, like a/b/# (in "a/#/b")'],
    ['a/b#', '"#" must be the whole last level, like a/b/# (in "a/b#")'],
    ['$share//a', '$share/<name>/<filter> needs a share name (in "$share//a")'],
    ['$share/g', '$share/<name>/<filter> needs a filter after the share name (in "$share/g")'],
    ['$share/g/', '$share/<name>/<filter> needs a filter after the share name (in "$share/g/")'],
    ['$share/g+/a', 'the share name must not contain + or # (in "$share/g+/a")'],
    ['$share/g/a/#/b', '"#" must be the whole last level, like a/b/# (in "a/#/b")'],
  ])('rejects %j', (filter, message) => {
    expect(checkTopicFilter(filter)).toBe(message);
  });
});
