/**
 * One execution per run across processes: before executing a run, a process takes its lease in
 * the store (RunStore.claimRun) and renews it while it works; a run whose lease another live
 * process holds is not executed (the runner goes on with other runs and comes back to it).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RunHolder, RunOwner, RunStore } from '../tracking/store.ts';

/** How often a held lease is renewed (ms); far below LEASE_TIMEOUT_MS. */
export const LEASE_RENEW_MS = 10_000;

/** This process, as the owner of the runs it executes. */
export const THIS_PROCESS: RunOwner = {
  token: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
  pid: process.pid,
  host: hostname(),
};

export interface HeldLease {
  /** stops renewing and gives the run up */
  release(): void;
}

/**
 * Claims a run for this process. Returns the held lease (renewed in the background until released)
 * and the run as it is now, or the holder when another live process has it.
 */
export function acquireRunLease(
  store: Pick<RunStore, 'claimRun' | 'renewLease' | 'releaseRun'>,
  runId: number,
  owner: RunOwner = THIS_PROCESS,
): { lease: HeldLease; run: ReturnType<RunStore['getRun']> & {} } | { holder: RunHolder } {
  const claim = store.claimRun(runId, owner);
  if (!claim.claimed) return { holder: claim.holder };
  const timer = setInterval(() => {
    try {
      store.renewLease(runId, owner);
    } catch {
      // a store busy for longer than the busy timeout: the next renewal tries again
    }
  }, LEASE_RENEW_MS);
  timer.unref();
  let released = false;
  return {
    run: claim.run,
    lease: {
      release() {
        if (released) return;
        released = true;
        clearInterval(timer);
        try {
          store.releaseRun(runId, owner);
        } catch {
          // the store is closed or gone: a lease of a process that ends lapses with it
        }
      },
    },
  };
}

/** One line about who holds a run, for the messages that say why this process did not run it. */
export function describeHolder(holder: RunHolder): string {
  const seen =
    holder.heartbeatAt === undefined
      ? ''
      : `, alive ${Math.max(0, Math.round((Date.now() - holder.heartbeatAt) / 1000))} s ago`;
  return `pid ${holder.pid} on ${holder.host}${seen}`;
}
