/**
 * Which grid processes are writing into one --out DIR, so that two never run the same member
 * there: both would train it, and their files of it would overwrite each other. Shards of one
 * grid (a Slurm job array) share DIR with disjoint members and run side by side.
 *
 * Each process writes DIR/running/<host>-<pid>.json naming its members, renews its time every
 * 30 s while it runs, and removes it when it ends (also on SIGINT / SIGTERM, which Slurm sends
 * before it kills a task). A claim is taken as left behind when its process is gone (same host),
 * when it was not renewed for 5 minutes (another host, whose processes cannot be asked), or when
 * it is an earlier run of the same Slurm task (requeued after its node failed: Slurm runs one
 * instance of a task at a time).
 */
import { hostname } from 'node:os';
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { makeDirs } from './makeDirs';

const RENEW_MS = 30_000;
export const STALE_MS = 5 * 60_000;

export interface Claim {
  host: string;
  pid: number;
  /** ISO time the process claimed its members */
  started: string;
  members: number[];
  /** the Slurm task it runs as (`<array job>_<task>` or `<job>`), if any */
  slurm?: string;
}

/** Who is asking, and how to tell a live process (tests give their own). */
export interface ClaimContext {
  host: string;
  pid: number;
  now: () => number;
  alive: (pid: number) => boolean;
  /** the Slurm task this process runs as, if any */
  slurm?: string;
  /** runs between writing the claim and checking again (tests: a process at the same moment) */
  afterWrite?: () => void;
}

export function processContext(): ClaimContext {
  return {
    host: hostname(),
    pid: process.pid,
    now: Date.now,
    alive: processAlive,
    slurm: slurmTask(process.env),
  };
}

function slurmTask(env: NodeJS.ProcessEnv): string | undefined {
  const { SLURM_ARRAY_JOB_ID: array, SLURM_ARRAY_TASK_ID: task, SLURM_JOB_ID: job } = env;
  return array && task ? `${array}_${task}` : job;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claim `members` (grid indices) of DIR for this process, or throw naming the live process that
 * runs some of them. Returns the release (idempotent), also run on exit and on SIGINT / SIGTERM.
 */
export function claimMembers(
  dir: string,
  members: readonly number[],
  ctx: ClaimContext = processContext(),
): () => void {
  const folder = join(dir, 'running');
  makeDirs(folder);
  const own = `${safeName(ctx.host)}-${ctx.pid}.json`;
  const mine: Claim = {
    host: ctx.host,
    pid: ctx.pid,
    started: new Date(ctx.now()).toISOString(),
    members: [...members],
    ...(ctx.slurm ? { slurm: ctx.slurm } : {}),
  };
  const blocking = liveOverlaps(folder, own, mine, ctx);
  if (blocking.length) throw new Error(refusal(dir, blocking[0], mine));
  const path = join(folder, own);
  writeFileSync(`${path}.tmp`, JSON.stringify(mine));
  renameSync(`${path}.tmp`, path);
  ctx.afterWrite?.();
  // Two processes that wrote at the same moment both see each other: the earlier claim runs.
  const ahead = liveOverlaps(folder, own, mine, ctx).filter((c) => before(c, mine));
  if (ahead.length) {
    rmSync(path, { force: true });
    throw new Error(refusal(dir, ahead[0], mine));
  }
  return holdClaim(path, ctx);
}

/** Renew the claim while the process runs; the release removes it. */
function holdClaim(path: string, ctx: ClaimContext): () => void {
  const renew = setInterval(() => {
    const t = new Date(ctx.now());
    try {
      utimesSync(path, t, t);
    } catch {
      // DIR removed under us: nothing left to renew
    }
  }, RENEW_MS);
  renew.unref();
  let released = false;
  const onSignal = (signal: NodeJS.Signals) => {
    release();
    process.kill(process.pid, signal); // this handler is gone: the signal's default action
  };
  const release = () => {
    if (released) return;
    released = true;
    clearInterval(renew);
    rmSync(path, { force: true });
    process.off('exit', release);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('exit', release);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return release;
}

/** The other live claims in `folder` sharing a member with `mine`. */
function liveOverlaps(folder: string, own: string, mine: Claim, ctx: ClaimContext): Claim[] {
  const wanted = new Set(mine.members);
  return liveIn(folder, own, ctx).filter((c) => c.members.some((m) => wanted.has(m)));
}

/** Who is writing into DIR now: its live claims (left-behind ones are removed). */
export function liveClaims(dir: string, ctx: ClaimContext = processContext()): Claim[] {
  const folder = join(dir, 'running');
  return existsSync(folder) ? liveIn(folder, '', ctx) : [];
}

/** The live claims in `folder` but `own`; left-behind ones are removed, saying so. */
function liveIn(folder: string, own: string, ctx: ClaimContext): Claim[] {
  const found: Claim[] = [];
  for (const name of readdirSync(folder)) {
    if (!name.endsWith('.json') || name === own) continue;
    const path = join(folder, name);
    const claim = readClaim(path);
    if (!claim) continue;
    if (!isLive(claim, path, ctx)) {
      rmSync(path, { force: true });
      const why =
        ctx.slurm && claim.slurm === ctx.slurm
          ? `an earlier run of Slurm task ${ctx.slurm}`
          : claim.host === ctx.host
            ? 'no longer running'
            : `not renewed for ${STALE_MS / 60_000} minutes`;
      process.stderr.write(
        `removed a claim on ${folder} left by process ${claim.pid} on ${claim.host} (${why})\n`,
      );
      continue;
    }
    found.push(claim);
  }
  return found;
}

function isLive(claim: Claim, path: string, ctx: ClaimContext): boolean {
  if (ctx.slurm && claim.slurm === ctx.slurm) return false;
  if (claim.host === ctx.host) return ctx.alive(claim.pid);
  return ctx.now() - renewedAt(path) < STALE_MS;
}

function renewedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** A claim file, or null for one that is not (half-written, or removed meanwhile). */
function readClaim(path: string): Claim | null {
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as Partial<Claim>;
    const ok =
      typeof c.host === 'string' &&
      Number.isInteger(c.pid) &&
      typeof c.started === 'string' &&
      Array.isArray(c.members);
    return ok ? (c as Claim) : null;
  } catch {
    return null;
  }
}

/** Whether claim a came first (then by host and pid, so that exactly one of two runs). */
function before(a: Claim, b: Claim): boolean {
  if (a.started !== b.started) return a.started < b.started;
  return `${a.host}-${a.pid}` < `${b.host}-${b.pid}`;
}

function refusal(dir: string, other: Claim, mine: Claim): string {
  const shared = other.members.filter((m) => mine.members.includes(m));
  const some = shared.slice(0, 5).join(', ') + (shared.length > 5 ? ', …' : '');
  return (
    `${dir} is being written by another grid process (pid ${other.pid} on ${other.host}, ` +
    `since ${other.started}), which runs ${shared.length} of these members (${some}): wait for ` +
    'it to end, give this run another --out, or split the grid between processes with --shard i/n'
  );
}

function safeName(host: string): string {
  return host.replace(/[^A-Za-z0-9._-]/g, '_');
}
