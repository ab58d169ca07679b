// `--events <file|->`: the run as NDJSON, one object a line, in the order things happened, so
// other tools can tail it. Every object has `type`, `time` (wall clock, ms since the epoch) and
// `t` (seconds since the run started). Types: run, host-joined, agent-joined, phase, stage,
// second (the timeline sample, with `hosts`: each load host's health that second), host-lost,
// step-verdict, cohort, end, plus whatever a caller passes to LiveFeed.event.

import fs from 'node:fs';

export type LiveEvent = { type: string; t: number } & Record<string, unknown>;

export interface EventSink {
  write(event: LiveEvent): void;
  close(): Promise<void>;
}

/** '-' writes to stdout; anything else is a file, truncated first (written synchronously, so a crash loses nothing written). */
export function openEventSink(target: string): EventSink {
  if (target === '-') {
    return {
      write: (e) => void process.stdout.write(line(e)),
      close: () => Promise.resolve(),
    };
  }
  const fd = fs.openSync(target, 'w');
  let open = true;
  return {
    write: (e) => {
      if (open) fs.writeSync(fd, line(e));
    },
    close: () => {
      if (open) fs.closeSync(fd);
      open = false;
      return Promise.resolve();
    },
  };
}

function line(e: LiveEvent): string {
  const { type, ...rest } = e;
  return JSON.stringify({ type, time: Date.now(), ...rest }) + '\n';
}
