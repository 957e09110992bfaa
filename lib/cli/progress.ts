/**
 * Progress reporting for long CLI work: a redrawn bar on a TTY, plain lines otherwise (at most one
 * per 10% or per item), nothing with --quiet or --json. Writes to stderr so stdout stays clean.
 */
export interface ProgressSink {
  /** `done` of `total` units finished; `note` is shown beside the bar (e.g. a file name). */
  update(done: number, total: number, note?: string): void;
  /** A message line (cleared bar is redrawn afterwards). */
  log(line: string): void;
  /** Ends the bar. */
  end(): void;
}

export function createProgress(opts: { quiet: boolean; label: string; stream?: NodeJS.WriteStream }): ProgressSink {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { update() {}, log() {}, end() {} };
  const tty = stream.isTTY === true;
  const t0 = Date.now();
  let lastPct = -1;
  let drawn = false;
  const clear = (): void => {
    if (tty && drawn) stream.write('\r\x1b[K');
  };
  return {
    update(done, total, note = '') {
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const pct = Math.floor(frac * 100);
      const elapsed = (Date.now() - t0) / 1000;
      const eta = frac > 0 && frac < 1 ? ` ETA ${fmtSecs((elapsed * (1 - frac)) / frac)}` : '';
      if (tty) {
        const width = 24;
        const fill = Math.round(frac * width);
        clear();
        stream.write(`${opts.label} [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${String(pct).padStart(3)}% ${done}/${total}${eta} ${note}`.slice(0, (stream.columns || 100) - 1));
        drawn = true;
      } else if (pct >= lastPct + 10 || done === total) {
        stream.write(`${opts.label}: ${pct}% (${done}/${total})${eta}${note ? ` ${note}` : ''}\n`);
        lastPct = pct;
      }
    },
    log(line) {
      clear();
      drawn = false;
      stream.write(`${line}\n`);
    },
    end() {
      clear();
      drawn = false;
    },
  };
}

function fmtSecs(s: number): string {
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
