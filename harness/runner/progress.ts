import type { Progress } from '../methods/method.ts';
import { safeText } from '../util/safe-text.ts';

interface LineState {
  label: string;
  phase: string;
  total: number;
  done: number;
  unit: string;
  status: string;
  phaseStartedAt: number;
  /** non-TTY: last tenth printed and when, so that a line is printed at most every 10% and 15 s */
  lastPrintedTenth: number;
  lastPrintedAt: number;
}

/**
 * Live progress: one line per active run with a bar, rate and ETA. On a terminal the lines are
 * redrawn in place (throttled); elsewhere (CI logs, pipes) a line is printed when a phase starts
 * and at every tenth of it, so logs stay readable.
 */
export class ProgressBoard {
  private readonly lines = new Map<number, LineState>();
  private nextId = 0;
  private drawnLines = 0;
  private lastDraw = 0;
  private readonly tty: boolean;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    options: { tty?: boolean; now?: () => number } = {},
  ) {
    this.tty = options.tty ?? Boolean(stream.isTTY);
    if (options.now) this.now = options.now;
  }

  private now: () => number = () => performance.now();

  /** A progress line for one run; remove it with line.close(). */
  line(label: string): Progress & { close(summary?: string): void } {
    const id = this.nextId++;
    const state: LineState = {
      label,
      phase: 'starting',
      total: 0,
      done: 0,
      unit: 'it',
      status: '',
      phaseStartedAt: this.now(),
      lastPrintedTenth: -1,
      lastPrintedAt: 0,
    };
    this.lines.set(id, state);
    this.draw(true);
    return {
      start: (phase, total, unit = 'it') => {
        Object.assign(state, {
          phase,
          total,
          unit,
          done: 0,
          status: '',
          phaseStartedAt: this.now(),
          lastPrintedTenth: -1,
        });
        this.onChange(state, true);
      },
      advance: (by = 1) => {
        state.done += by;
        this.onChange(state, false);
      },
      status: (text) => {
        state.status = text;
        this.onChange(state, false);
      },
      close: (summary) => {
        this.lines.delete(id);
        this.print(summary ?? `${state.label}: done`);
      },
    };
  }

  /** A message above the live lines. */
  print(message: string): void {
    if (this.tty) this.clear();
    this.stream.write(`${safeText(message)}\n`);
    if (this.tty) this.draw(true);
  }

  /** Removes the live lines (at the end, before the summary). */
  stop(): void {
    if (this.tty) this.clear();
    this.lines.clear();
  }

  private onChange(state: LineState, phaseStarted: boolean): void {
    if (this.tty) {
      this.draw(phaseStarted);
      return;
    }
    const now = this.now();
    const tenth = state.total > 0 ? Math.floor((10 * state.done) / state.total) : 0;
    const finished = state.total > 0 && state.done >= state.total;
    const due = tenth > state.lastPrintedTenth && now - state.lastPrintedAt >= 15_000;
    if (phaseStarted || due || (finished && state.lastPrintedTenth < 10)) {
      state.lastPrintedTenth = tenth;
      state.lastPrintedAt = now;
      this.stream.write(`${formatLine(state, now)}\n`);
    }
  }

  private draw(force: boolean): void {
    if (!this.tty) return;
    const now = this.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.clear();
    const width = Math.max(40, (this.stream.columns ?? 100) - 1);
    const text = [...this.lines.values()].map((state) => formatLine(state, now).slice(0, width));
    if (text.length) this.stream.write(`${text.join('\n')}\n`);
    this.drawnLines = text.length;
  }

  private clear(): void {
    if (this.drawnLines > 0) this.stream.write(`\x1b[${this.drawnLines}A\x1b[0J`);
    this.drawnLines = 0;
  }
}

const BAR_WIDTH = 20;

export function formatLine(
  state: Pick<LineState, 'label' | 'phase' | 'total' | 'done' | 'unit' | 'status' | 'phaseStartedAt'>,
  now: number,
): string {
  const elapsed = (now - state.phaseStartedAt) / 1000;
  const rate = elapsed > 0 ? state.done / elapsed : 0;
  const parts = [`${state.label}`, state.phase];
  if (state.total > 0) {
    const fraction = Math.min(1, state.done / state.total);
    const filled = Math.round(fraction * BAR_WIDTH);
    parts.push(
      `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${state.done}/${state.total} ${state.unit}`,
    );
    parts.push(`${formatRate(rate)} ${state.unit}/s`);
    const remaining = state.total - state.done;
    parts.push(`ETA ${rate > 0 ? formatDuration(remaining / rate) : '?'}`);
  } else if (state.done > 0) {
    parts.push(`${state.done} ${state.unit}`, `${formatRate(rate)} ${state.unit}/s`);
  }
  if (state.status) parts.push(state.status);
  return parts.join('  ');
}

function formatRate(rate: number): string {
  return rate >= 100 ? rate.toFixed(0) : rate >= 10 ? rate.toFixed(1) : rate.toFixed(2);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600)
    return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
