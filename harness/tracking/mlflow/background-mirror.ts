/**
 * The MLflow mirror of one `skillbench run` invocation. Runs are mirrored in the background, one
 * after another, while the runner goes on; the whole invocation has one time budget for MLflow
 * (time actually spent mirroring, so a long training does not use it up). The first time the
 * server does not answer, or when the budget is spent, mirroring stops for the rest of the
 * invocation with one line saying so: a hung or absent server costs seconds, not seconds per run.
 * Nothing here throws; the store keeps everything and `skillbench mlflow sync` catches up.
 */
import { readMlflowConfig } from './config.ts';
import { mirrorRunIfConfigured } from './mirror.ts';
import type { MlflowSource } from './source.ts';

export interface BackgroundMirrorOptions {
  env?: Record<string, string | undefined>;
  /** every mirror of this invocation together (ms) */
  budgetMs?: number;
  /** each request; a server that does not answer within it counts as unreachable (ms) */
  requestTimeoutMs?: number;
  log: (line: string) => void;
}

export const INVOCATION_BUDGET_MS = 30_000;
export const MIRROR_REQUEST_TIMEOUT_MS = 2_000;

export class BackgroundMirror {
  private queue: Promise<void> = Promise.resolve();
  private spentMs = 0;
  private stopped: string | undefined;
  private readonly notMirrored = new Set<string>();
  private readonly budgetMs: number;

  private constructor(
    private readonly source: MlflowSource,
    private readonly options: BackgroundMirrorOptions,
  ) {
    this.budgetMs = options.budgetMs ?? INVOCATION_BUDGET_MS;
  }

  /** A mirror when MLFLOW_TRACKING_URI is set; undefined (nothing to do) otherwise. */
  static start(source: MlflowSource, options: BackgroundMirrorOptions): BackgroundMirror | undefined {
    try {
      if (!readMlflowConfig(options.env ?? process.env)) return undefined;
    } catch {
      // a bad setting: the first mirror reports it, once
    }
    return new BackgroundMirror(source, options);
  }

  /** Mirrors the run after those queued before it; returns at once. */
  enqueue(runKey: string): void {
    this.queue = this.queue.then(() => this.mirror(runKey));
  }

  /**
   * Waits for the queued mirrors, within what is left of the budget, then stops: what is not sent
   * by then stays for `skillbench mlflow sync`. `abandon` (Ctrl-C) stops without waiting.
   */
  async finish(options: { abandon?: boolean } = {}): Promise<void> {
    if (options.abandon) this.stop('interrupted');
    await this.queue;
    if (this.notMirrored.size > 0) {
      this.options.log(
        `note: ${this.notMirrored.size} run(s) not mirrored to MLflow (${this.stopped ?? 'see the errors above'}; ${(this.spentMs / 1000).toFixed(1)} s spent on MLflow); the store has them, \`skillbench mlflow sync\` sends them later`,
      );
    }
  }

  private stop(reason: string): void {
    this.stopped ??= reason;
  }

  private async mirror(runKey: string): Promise<void> {
    const left = this.budgetMs - this.spentMs;
    if (left <= 0) this.stop(`the ${this.budgetMs / 1000} s MLflow budget of this invocation is spent`);
    if (this.stopped) {
      this.notMirrored.add(runKey);
      return;
    }
    const started = performance.now();
    const outcome = await mirrorRunIfConfigured(this.source, runKey, {
      env: this.options.env,
      timeoutMs: Math.ceil(left),
      requestTimeoutMs: this.options.requestTimeoutMs ?? MIRROR_REQUEST_TIMEOUT_MS,
      maxAttempts: 2,
      log: this.options.log,
    });
    this.spentMs += performance.now() - started;
    if (outcome.state === 'failed') {
      this.notMirrored.add(runKey);
      if (outcome.unreachable)
        this.stop('the MLflow server did not answer; mirroring stopped for this invocation');
    } else {
      this.notMirrored.delete(runKey);
    }
  }
}
