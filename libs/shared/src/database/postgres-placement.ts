/**
 * Which user runs the embedded PostgreSQL, and where its binaries and data live.
 *
 * As a normal user: as you run it, from the package's binaries in node_modules, with the data
 * where it was asked for. As root: PostgreSQL refuses to run as root, so it runs as the
 * `postgres` user (created when missing), which often cannot reach into the project (a clone
 * under /root, or under any parent with mode 700). Those folders are never opened up; instead
 * whatever the postgres user cannot reach is placed under RUNTIME_DIR, made for it:
 * - binaries: a copy of the package's bin, lib and share in RUNTIME_DIR/postgres-<version>
 *   (root-owned, 0755), made once and reused;
 * - data: RUNTIME_DIR/clusters/pg-<random> (owned by postgres, 0700), and the requested data
 *   directory becomes a symlink to it, so the next start (and anyone looking) finds it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';

/** Where, as root, PostgreSQL's binaries and data go when the postgres user cannot reach them. */
export const RUNTIME_DIR = '/var/lib/foule';

/** A failure to start PostgreSQL: what went wrong and what to do about it, in one message. */
export class EmbeddedPostgresError extends Error {
  constructor(cause: string, fix: string) {
    super(`Embedded PostgreSQL could not start: ${cause}. ${fix}`);
    this.name = 'EmbeddedPostgresError';
  }
}

export interface PostgresPlacement {
  /** The folder holding initdb and postgres. */
  binDir: string;
  /** The real data directory (a symlink's target when the data was placed elsewhere). */
  dataDir: string;
  /** As root, the postgres user's ids to run as. */
  runAs?: { uid: number; gid: number };
  /** As root, what was done, for one info line. */
  notice?: string;
  /** Removes a data directory placed elsewhere (ephemeral clusters). */
  removeData(): void;
}

/**
 * Places PostgreSQL for `dataDir`. Its parent is the caller's own folder (DATA_DIR, or a temp
 * folder made for the cluster): as root its search bit may be set so the postgres user can
 * reach the data inside it; nothing above it is ever changed.
 */
export function placePostgres(nativeDir: string, version: string, dataDir: string): PostgresPlacement {
  const inPlace = { binDir: path.join(nativeDir, 'bin'), dataDir, removeData: () => rmSync(dataDir, { recursive: true, force: true }) };
  if (process.getuid?.() !== 0) return inPlace;

  const runAs = postgresUser();
  const home = path.dirname(dataDir);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  // Both questions in one process: each spawn here is tens of milliseconds of every boot.
  const [binReachable, homeReachable] = reachableBy(runAs, [path.join(inPlace.binDir, 'postgres'), path.dirname(home)]);
  const done: string[] = [];

  let binDir = inPlace.binDir;
  if (!binReachable) {
    binDir = copyBinaries(nativeDir, version);
    if (!reachableBy(runAs, [path.join(binDir, 'postgres')])[0]) {
      throw new EmbeddedPostgresError(
        `the postgres user cannot run ${path.join(binDir, 'postgres')}`,
        `Let it traverse ${RUNTIME_DIR} and its parents (e.g. chmod 711 ${RUNTIME_DIR}), run as a normal user, or set DATABASE_URL`,
      );
    }
    done.push(`from a copy of its binaries in ${path.dirname(binDir)}`);
  } else {
    done.push(`from ${binDir}`);
  }

  let realDataDir = dataDir;
  let removeData = inPlace.removeData;
  const link = lstatSync(dataDir, { throwIfNoEntry: false });
  if (link?.isSymbolicLink() && existsSync(dataDir)) {
    realDataDir = path.resolve(home, readlinkSync(dataDir));
    removeData = removePlaced(dataDir, realDataDir);
    done.push(`with its data in ${realDataDir} (${dataDir} links to it)`);
  } else if (homeReachable) {
    if (link?.isSymbolicLink()) rmSync(dataDir); // its cluster was removed
    // Only the folder made for the data is opened (search bit), never a parent of it.
    if ((statSync(home).mode & 0o001) === 0) chmodSync(home, statSync(home).mode | 0o001);
    if (!existsSync(dataDir)) {
      mkdirSync(dataDir, { mode: 0o700 });
      chownSync(dataDir, runAs.uid, runAs.gid);
    }
    done.push(`with its data in ${dataDir}`);
  } else if (link && !link.isSymbolicLink()) {
    throw new EmbeddedPostgresError(
      `the postgres user cannot reach its data in ${dataDir} (a folder above ${home} is closed to it)`,
      'Move that folder to one it can reach and leave a symlink in its place, or remove it to start with an empty database',
    );
  } else {
    if (link) rmSync(dataDir);
    realDataDir = newClusterDir(runAs);
    symlinkSync(realDataDir, dataDir);
    removeData = removePlaced(dataDir, realDataDir);
    done.push(`with its data in ${realDataDir} (${dataDir} links to it: the postgres user cannot reach ${home})`);
  }
  return { binDir, dataDir: realDataDir, runAs, removeData, notice: `running as root: PostgreSQL runs as the postgres user ${done.join(' ')}` };
}

function removePlaced(link: string, target: string): () => void {
  return () => {
    rmSync(target, { recursive: true, force: true });
    rmSync(link, { force: true });
  };
}

/** Whether the user `runAs` may search (or run) each of `targets`, asked of one shell running as that user. */
function reachableBy(runAs: { uid: number; gid: number }, targets: string[]): boolean[] {
  const answer = spawnSync('/bin/sh', ['-c', 'for target; do if test -x "$target"; then echo y; else echo n; fi; done', 'sh', ...targets], {
    ...runAs,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const lines = answer.status === 0 ? answer.stdout.split('\n') : [];
  return targets.map((_target, index) => lines[index] === 'y');
}

/** The user's ids from /etc/passwd, as `id` would give them; undefined when it is not listed there (`id` asks NSS then). */
function passwdEntry(name: string): { uid: number; gid: number } | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [user, , uid, gid] = line.split(':');
      if (user === name && /^\d+$/.test(uid ?? '') && /^\d+$/.test(gid ?? '')) return { uid: Number(uid), gid: Number(gid) };
    }
  } catch {
    // no readable /etc/passwd: ask `id`
  }
  return undefined;
}

/** The postgres user's ids, creating it (a system user without login) when it is missing. */
function postgresUser(): { uid: number; gid: number } {
  // Read, not asked of `id` (two processes at every boot), when /etc/passwd lists it.
  const listed = passwdEntry('postgres');
  if (listed) return listed;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'pipe' });
      return { uid: id('-u'), gid: id('-g') };
    } catch (error) {
      throw new EmbeddedPostgresError(
        `as root it must run as the postgres user, which does not exist and could not be created (${firstLine(error)})`,
        'Create it (useradd --system --user-group postgres), run as a normal user, or set DATABASE_URL',
      );
    }
  }
}

/** RUNTIME_DIR (or a folder in it), created root-owned with `mode`; an existing one must be root's and not writable by others. */
function runtimeFolder(name: string, mode: number): string {
  const folder = path.join(RUNTIME_DIR, name);
  try {
    for (const dir of [RUNTIME_DIR, folder]) {
      if (!existsSync(dir)) {
        mkdirSync(dir, { recursive: true });
        chmodSync(dir, mode);
      }
      const stat = statSync(dir);
      if (stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
        throw new EmbeddedPostgresError(`${dir} is not root's own folder (owned by uid ${stat.uid}, mode ${(stat.mode & 0o777).toString(8)})`, `Remove it, or make it root's and not writable by others (chown root: ${dir}; chmod go-w ${dir})`);
      }
    }
  } catch (error) {
    if (error instanceof EmbeddedPostgresError) throw error;
    throw new EmbeddedPostgresError(`cannot create ${folder} (${firstLine(error)})`, 'Run as a normal user, or set DATABASE_URL to use another PostgreSQL');
  }
  return folder;
}

/** The package's binaries copied once into a folder the postgres user can reach; returns its bin. */
function copyBinaries(nativeDir: string, version: string): string {
  const base = runtimeFolder('', 0o711);
  const target = path.join(base, `postgres-${version}`);
  if (!existsSync(path.join(target, 'bin', 'postgres'))) {
    // Copied beside, then renamed: a concurrent start never sees half a copy.
    const staging = mkdtempSync(path.join(base, `.postgres-${version}-`));
    try {
      for (const part of ['bin', 'lib', 'share']) cpSync(path.join(nativeDir, part), path.join(staging, part), { recursive: true, verbatimSymlinks: true });
      chmodSync(staging, 0o755);
      renameSync(staging, target);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(path.join(target, 'bin', 'postgres'))) {
        throw new EmbeddedPostgresError(`cannot copy its binaries to ${target} (${firstLine(error)})`, 'Run as a normal user, or set DATABASE_URL');
      }
    }
  }
  return path.join(target, 'bin');
}

function newClusterDir(runAs: { uid: number; gid: number }): string {
  const dir = mkdtempSync(path.join(runtimeFolder('clusters', 0o711), 'pg-'));
  chownSync(dir, runAs.uid, runAs.gid);
  chmodSync(dir, 0o700);
  return dir;
}

export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').find((line) => line.trim())?.trim() ?? 'unknown error';
}
