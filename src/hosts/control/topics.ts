// Where control messages travel, under one prefix (default `fleetstorm`; give each concurrent
// run on a shared control broker its own prefix):
//
//   <prefix>/coordinator/<run>    coordinator → all agents  beat (retained, every second) | gone (will)
//   <prefix>/agents/<id>/status   agent → coordinators      hello | offline (will)
//   <prefix>/agents/<id>/in       coordinator → one agent   claim | cmd (HostCommand) | release
//   <prefix>/agents/<id>/out      agent → its coordinator   claimed | busy | event (HostEvent) | beat
//
// The retained beat is the run's announcement: an agent that connects late still finds it.

export const DEFAULT_PREFIX = 'fleetstorm';

export interface ControlTopics {
  coordinator(run: string): string;
  anyCoordinator: string;
  status(agent: string): string;
  anyStatus: string;
  in(agent: string): string;
  out(agent: string): string;
  anyOut: string;
  /** The agent id in `<prefix>/agents/<id>/...`, or null. */
  agentOf(topic: string): string | null;
}

const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Agent ids and run ids become topic levels, so they may not hold wildcards or separators. */
export function checkId(id: string, what: string): string {
  if (!ID_PATTERN.test(id)) throw new Error(`${what} "${id}" must be 1-64 letters, digits, '.', '_' or '-'`);
  return id;
}

export function controlTopics(prefix = DEFAULT_PREFIX): ControlTopics {
  if (!prefix || /[+#]/.test(prefix) || prefix.endsWith('/'))
    throw new Error(`control topic prefix "${prefix}" may not be empty, hold + or #, or end in /`);
  const agents = `${prefix}/agents/`;
  return {
    coordinator: (run) => `${prefix}/coordinator/${run}`,
    anyCoordinator: `${prefix}/coordinator/+`,
    status: (agent) => `${agents}${agent}/status`,
    anyStatus: `${agents}+/status`,
    in: (agent) => `${agents}${agent}/in`,
    out: (agent) => `${agents}${agent}/out`,
    anyOut: `${agents}+/out`,
    agentOf(topic) {
      if (!topic.startsWith(agents)) return null;
      const id = topic.slice(agents.length).split('/')[0];
      return id ? id : null;
    },
  };
}
