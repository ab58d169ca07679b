// Live progress on stderr (so `--json` stdout stays machine-readable), nothing with --quiet.
// Given the live figures: on a TTY a small block redrawn in place every second, off a TTY one
// line every 10 s. Without them (callers that only have timeline points): one line per point.
// Notes (phase changes, lost hosts) always get their own line above the block.

import type { TimelinePoint } from '../result/types.ts';
import type { LiveFigures } from './live/figures.ts';
import { progressBlock, progressLine } from './progress-block.ts';

export interface ProgressOptions {
  quiet: boolean;
  stream?: NodeJS.WriteStream;
  /** Seconds between lines when not a TTY (default 10). */
  plainEvery?: number;
  /** The live view to draw from (see report/live/feed.ts). */
  figures?: LiveFigures;
}

export class Progress {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private errorsTotal = 0;
  /** Lines of the block (or 1 for the single line) now on screen below the cursor's line start. */
  private drawn = 0;

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
    const every = this.opts.plainEvery ?? 10;
    const f = this.opts.figures;
    if (f) {
      if (this.tty) this.draw(progressBlock(f));
      else if (p.t % every === 0) this.stream.write(`${progressLine(f)}\n`);
      return;
    }
    const line =
      `[${String(p.t).padStart(4)}s] ${phase.padEnd(8)} connected ${p.connected}/${totalClients}` +
      `  out ${p.published}/s  in ${p.received}/s  acked ${p.acked}/s` +
      `  e2e p50 ${p.endToEndP50Ms.toFixed(1)}ms p99 ${p.endToEndP99Ms.toFixed(1)}ms  errors ${this.errorsTotal}`;
    if (this.tty) this.draw([line]);
    else if (p.t % every === 0) this.stream.write(`${line}\n`);
  }

  /** The last frame, from the final figures, left on screen (a line in a log). */
  final(): void {
    const f = this.opts.figures;
    if (this.opts.quiet || !f) return;
    if (this.tty) this.draw(progressBlock(f));
    else this.stream.write(`${progressLine(f)}\n`);
    this.drawn = 0;
    if (this.tty) this.stream.write('\n');
  }

  /** Removes the block (or line) so that other output starts on a clean line. */
  clear(): void {
    if (this.drawn === 0) return;
    // The cursor sits at the end of the block's last line: go to the first line, erase downwards.
    this.stream.write(`\r${this.drawn > 1 ? `\x1b[${this.drawn - 1}A` : ''}\x1b[J`);
    this.drawn = 0;
  }

  private draw(lines: string[]): void {
    this.clear();
    const width = this.stream.columns || 120;
    this.stream.write(lines.map((l) => (l.length > width ? l.slice(0, width - 1) : l)).join('\n'));
    this.drawn = lines.length;
  }
}
