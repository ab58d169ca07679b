// Live progress: one line rewritten in place on a TTY, a plain line every few seconds when the
// output is a file or a CI log, nothing with --quiet. Always on stderr, so `--json` stdout
// stays machine-readable.

import type { TimelinePoint } from '../result/types.ts';

export interface ProgressOptions {
  quiet: boolean;
  stream?: NodeJS.WriteStream;
  /** Seconds between lines when not a TTY. */
  plainEvery?: number;
}

export class Progress {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private errorsTotal = 0;
  private dirty = false;

  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
  }

  /** A phase change or notice: always its own line. */
  note(text: string): void {
    if (this.opts.quiet) return;
    this.clear();
    this.stream.write(`${text}\n`);
  }

  point(p: TimelinePoint, totalClients: number, phase: string): void {
    for (const n of Object.values(p.errors)) this.errorsTotal += n;
    if (this.opts.quiet) return;
    const line =
      `[${String(p.t).padStart(4)}s] ${phase.padEnd(8)} connected ${p.connected}/${totalClients}` +
      `  out ${p.published}/s  in ${p.received}/s  acked ${p.acked}/s` +
      `  e2e p50 ${p.endToEndP50Ms.toFixed(1)}ms p99 ${p.endToEndP99Ms.toFixed(1)}ms  errors ${this.errorsTotal}`;
    if (this.tty) {
      this.stream.write(`\r\x1b[2K${line}`);
      this.dirty = true;
    } else if (p.t % (this.opts.plainEvery ?? 5) === 0) {
      this.stream.write(`${line}\n`);
    }
  }

  clear(): void {
    if (this.dirty) this.stream.write('\r\x1b[2K');
    this.dirty = false;
  }
}
