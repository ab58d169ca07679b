// Several machines for real, on one box: network namespaces joined by veth pairs to a bridge.
// The bridge lives in the broker's namespace, so the root namespace's interfaces and addresses
// are never touched; 10.200.0.0/24 exists only inside the namespaces made here.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const SUBNET = '10.200.0';
export const BROKER_IP = `${SUBNET}.1`;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 });
}

/** True when this process may create network namespaces (root, `ip` installed, not in a locked-down container). */
export function netnsUsable(): boolean {
  const probe = `fsprobe${process.pid}`;
  try {
    ip('netns', 'add', probe);
    ip('-n', probe, 'link', 'set', 'lo', 'up');
    return true;
  } catch {
    return false;
  } finally {
    try {
      ip('netns', 'del', probe);
    } catch {
      // never created
    }
  }
}

export interface Lab {
  /** Namespace names: the broker's, then one per member in the order given. */
  broker: string;
  members: Record<string, { ns: string; ip: string }>;
  /** Command prefix that runs something inside a member's namespace. */
  exec(member: string): string[];
  destroy(): void;
}

/** Creates a broker namespace holding a bridge at BROKER_IP and one namespace per member. */
export function createLab(memberNames: string[]): Lab {
  const tag = randomBytes(2).toString('hex');
  const broker = `fs${tag}br`;
  const created: string[] = [];
  const members: Lab['members'] = {};
  const lab: Lab = {
    broker,
    members,
    exec: (m) => ['ip', 'netns', 'exec', m === 'broker' ? broker : members[m].ns],
    destroy() {
      // Deleting a namespace deletes its end of each veth, which removes the pair.
      for (const ns of created.reverse()) {
        try {
          ip('netns', 'del', ns);
        } catch {
          // already gone
        }
      }
    },
  };
  try {
    ip('netns', 'add', broker);
    created.push(broker);
    ip('-n', broker, 'link', 'set', 'lo', 'up');
    ip('-n', broker, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', broker, 'addr', 'add', `${BROKER_IP}/24`, 'dev', 'br0');
    ip('-n', broker, 'link', 'set', 'br0', 'up');
    memberNames.forEach((name, k) => {
      const ns = `fs${tag}${name}`;
      const addr = `${SUBNET}.${10 + k}`;
      ip('netns', 'add', ns);
      created.push(ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      // Both ends are created straight inside namespaces: `h<k>` on the bridge, `eth0` in the member.
      ip('-n', broker, 'link', 'add', `h${k}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      ip('-n', broker, 'link', 'set', `h${k}`, 'master', 'br0');
      ip('-n', broker, 'link', 'set', `h${k}`, 'up');
      ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      members[name] = { ns, ip: addr };
    });
  } catch (err) {
    lab.destroy();
    throw new Error(
      `could not build the namespace lab: ${(err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message}`,
    );
  }
  return lab;
}
