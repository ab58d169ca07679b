// Subscription filters in a trie, so the fan-out of 130,000 published topics against 130,000
// filters costs one walk per topic rather than a scan of every filter. Used once, when steady
// state begins, to work out how many deliveries each publish stream should produce.

interface TrieNode {
  children: Map<string, TrieNode> | null;
  /** Targets whose filter ends here. */
  targets: number[] | null;
  /** Targets whose filter ends here with `/#` (matches this level and everything below). */
  hashTargets: number[] | null;
}

function node(): TrieNode {
  return { children: null, targets: null, hashTargets: null };
}

export class TopicTrie {
  private root = node();

  /** Adds a filter (no `$share/` prefix) for a target id. */
  add(filter: string, target: number): void {
    const levels = filter.split('/');
    let n = this.root;
    for (let i = 0; i < levels.length; i++) {
      const level = levels[i];
      if (level === '#') {
        (n.hashTargets ??= []).push(target);
        return;
      }
      n.children ??= new Map();
      let child = n.children.get(level);
      if (!child) n.children.set(level, (child = node()));
      n = child;
    }
    (n.targets ??= []).push(target);
  }

  /** Calls `visit` once per matching (filter, target) pair for a concrete topic. */
  match(topic: string, visit: (target: number) => void): void {
    const levels = topic.split('/');
    // Topics starting with `$` are not matched by wildcards at the first level (MQTT §4.7.2).
    const dollar = topic.startsWith('$');
    this.walk(this.root, levels, 0, dollar, visit);
  }

  private walk(n: TrieNode, levels: string[], depth: number, dollar: boolean, visit: (t: number) => void): void {
    const wildcardOk = !(dollar && depth === 0);
    if (n.hashTargets && wildcardOk) for (const t of n.hashTargets) visit(t);
    if (depth === levels.length) {
      if (n.targets) for (const t of n.targets) visit(t);
      return;
    }
    if (!n.children) return;
    const exact = n.children.get(levels[depth]);
    if (exact) this.walk(exact, levels, depth + 1, dollar, visit);
    if (wildcardOk) {
      const plus = n.children.get('+');
      if (plus) this.walk(plus, levels, depth + 1, dollar, visit);
    }
  }
}

/** True when `topic` matches `filter` (no `$share/` prefix). For tests and small checks. */
export function topicMatches(filter: string, topic: string): boolean {
  const trie = new TopicTrie();
  trie.add(filter, 0);
  let hit = false;
  trie.match(topic, () => (hit = true));
  return hit;
}

/** Splits `$share/<name>/<filter>` into its parts; null for an ordinary filter. */
export function parseShared(filter: string): { share: string; filter: string } | null {
  if (!filter.startsWith('$share/')) return null;
  const rest = filter.slice(7);
  const slash = rest.indexOf('/');
  if (slash <= 0) return null;
  return { share: rest.slice(0, slash), filter: rest.slice(slash + 1) };
}
