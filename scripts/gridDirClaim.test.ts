import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimMembers, liveClaims, STALE_MS, type ClaimContext } from './gridDirClaim';

const T0 = Date.parse('2026-12-07T14:00:00Z');

function context(over: Partial<ClaimContext> = {}): ClaimContext {
  return { host: 'node-a', pid: 100, now: () => T0, alive: () => true, ...over };
}

/** Another process's claim file, as claimMembers writes it, renewed at `renewed`. */
function otherClaim(
  dir: string,
  claim: { host: string; pid: number; started?: number; members: number[]; slurm?: string },
  renewed = T0,
): void {
  const folder = join(dir, 'running');
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${claim.host}-${claim.pid}.json`);
  const started = new Date(claim.started ?? T0 - 60_000).toISOString();
  writeFileSync(path, JSON.stringify({ ...claim, started }));
  utimesSync(path, new Date(renewed), new Date(renewed));
}

const running = (dir: string) => readdirSync(join(dir, 'running')).sort();

describe('grid --out DIR claims', () => {
  it('refuses members a live process on this host is running, naming it and what to do; disjoint shards run side by side', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-claim-'));
    otherClaim(dir, { host: 'node-a', pid: 7, members: [0, 2, 4] });
    expect(() => claimMembers(dir, [0, 1, 2, 3], context())).toThrow(
      /is being written by another grid process \(pid 7 on node-a, since .*\), which runs 2 of these members \(0, 2\): wait for it to end, give this run another --out, or split the grid between processes with --shard i\/n/,
    );
    expect(running(dir)).toEqual(['node-a-7.json']);
    const release = claimMembers(dir, [1, 3], context());
    expect(running(dir)).toEqual(['node-a-100.json', 'node-a-7.json']);
    release();
    release();
    expect(running(dir)).toEqual(['node-a-7.json']);
  });

  it('takes over the claim of a process that is gone (same host) and of one not renewed for 5 minutes (another host)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-claim-'));
    otherClaim(dir, { host: 'node-a', pid: 7, members: [0, 1] });
    otherClaim(dir, { host: 'node-b', pid: 8, members: [2] }, T0 - STALE_MS - 1_000);
    const alive = (pid: number) => pid !== 7;
    const release = claimMembers(dir, [0, 1, 2], context({ alive }));
    expect(running(dir)).toEqual(['node-a-100.json']);
    release();
  });

  it("refuses members of another host's claim renewed within 5 minutes, whatever its process number", () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-claim-'));
    otherClaim(dir, { host: 'node-b', pid: 100, members: [5] }, T0 - STALE_MS + 10_000);
    expect(() => claimMembers(dir, [5], context({ alive: () => false }))).toThrow(
      /pid 100 on node-b/,
    );
  });

  it('a requeued Slurm task takes over the claim of its earlier run on a failed node, not that of another task', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-claim-'));
    otherClaim(dir, { host: 'node-b', pid: 50, members: [3], slurm: '900_3' });
    otherClaim(dir, { host: 'node-c', pid: 51, members: [4], slurm: '900_4' });
    const ctx = context({ slurm: '900_3' });
    const release = claimMembers(dir, [3], ctx);
    expect(running(dir)).toEqual(['node-a-100.json', 'node-c-51.json']);
    release();
    expect(() => claimMembers(dir, [4], ctx)).toThrow(/pid 51 on node-c/);
  });

  it('of two processes that claim at the same moment, the earlier runs and the later withdraws its claim', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-claim-'));
    const earlier = () =>
      otherClaim(dir, { host: 'node-b', pid: 9, started: T0 - 5, members: [1] });
    expect(() => claimMembers(dir, [0, 1], context({ afterWrite: earlier }))).toThrow(
      /pid 9 on node-b/,
    );
    expect(running(dir)).toEqual(['node-b-9.json']);

    const other = mkdtempSync(join(tmpdir(), 'nc-claim-'));
    const later = () =>
      otherClaim(other, { host: 'node-b', pid: 9, started: T0 + 5, members: [1] });
    const release = claimMembers(other, [0, 1], context({ afterWrite: later }));
    expect(running(other)).toEqual(['node-a-100.json', 'node-b-9.json']);
    release();
  });

  it('liveClaims lists who writes into DIR now and clears what killed processes left', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-claim-'));
    expect(liveClaims(dir, context())).toEqual([]);
    otherClaim(dir, { host: 'node-a', pid: 7, members: [0] });
    otherClaim(dir, { host: 'node-a', pid: 8, members: [1, 2] });
    const live = liveClaims(dir, context({ alive: (pid) => pid === 8 }));
    expect(live.map((c) => [c.pid, c.members])).toEqual([[8, [1, 2]]]);
    expect(running(dir)).toEqual(['node-a-8.json']);
  });

  it('ignores a damaged claim file rather than failing on it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-claim-'));
    mkdirSync(join(dir, 'running'));
    writeFileSync(join(dir, 'running', 'node-c-1.json'), '{"host": "node-c", "pid"');
    const release = claimMembers(dir, [0], context());
    expect(existsSync(join(dir, 'running', 'node-a-100.json'))).toBe(true);
    release();
  });
});
