// MQTT topic rules (MQTT 3.1.1 §4.7, 5.0 §4.7–4.8) checked on scenario topics, so a typo fails
// at validation instead of as a DISCONNECT in the middle of a run.

const MAX_TOPIC_BYTES = 65_535;

function checkCommon(topic: string): string | undefined {
  if (topic.length === 0) return 'must not be empty';
  if (topic.includes('\u0000')) return 'must not contain the NUL character';
  if (Buffer.byteLength(topic, 'utf8') > MAX_TOPIC_BYTES) return `must be at most ${MAX_TOPIC_BYTES} bytes`;
  return undefined;
}

/** A topic name to publish to (also a will topic): no wildcards. */
export function checkTopicName(topic: string): string | undefined {
  const common = checkCommon(topic);
  if (common) return common;
  if (topic.includes('+') || topic.includes('#')) return `must not contain the wildcards + or # (publish topic ${JSON.stringify(topic)})`;
  return undefined;
}

function checkFilterLevels(filter: string): string | undefined {
  const levels = filter.split('/');
  for (let k = 0; k < levels.length; k++) {
    const level = levels[k];
    if (level.includes('+') && level !== '+') return `"+" must fill a whole level, like a/+/b (in ${JSON.stringify(filter)})`;
    if (level.includes('#') && (level !== '#' || k !== levels.length - 1)) {
      return `"#" must be the whole last level, like a/b/# (in ${JSON.stringify(filter)})`;
    }
  }
  return undefined;
}

/** A subscription filter; `$share/<name>/<filter>` is a shared subscription. */
export function checkTopicFilter(filter: string): string | undefined {
  const common = checkCommon(filter);
  if (common) return common;
  if (filter.startsWith('$share/')) {
    const rest = filter.slice('$share/'.length);
    const slash = rest.indexOf('/');
    const shareName = slash < 0 ? rest : rest.slice(0, slash);
    const inner = slash < 0 ? '' : rest.slice(slash + 1);
    if (!shareName) return `$share/<name>/<filter> needs a share name (in ${JSON.stringify(filter)})`;
    if (/[+#]/.test(shareName)) return `the share name must not contain + or # (in ${JSON.stringify(filter)})`;
    if (!inner) return `$share/<name>/<filter> needs a filter after the share name (in ${JSON.stringify(filter)})`;
    return checkFilterLevels(inner);
  }
  return checkFilterLevels(filter);
}
