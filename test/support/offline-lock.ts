/**
 * A package-lock.json for a project of a few of this repository's dependencies, so that `npm ci --offline`
 * installs it from the npm cache that this repository's `npm ci` filled. Needed because npm 11 resolves a
 * project without a lockfile (`npm install`) from full registry documents, which `npm ci` never fetches:
 * offline, `npm install` fails with ENOTCACHED even when every tarball is in the cache. The entries are this
 * repository's own (same versions, integrity and layout), restricted to what the project's dependencies
 * reach, with the registry URL npm would record.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

type Entry = Record<string, unknown> & { version?: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string> };

export interface LockProject {
  readonly name: string;
  readonly dependencies: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  /** Entries this repository's lockfile does not have (a packed tarball), by path (`node_modules/<name>`). */
  readonly extra?: Record<string, Entry>;
}

export function offlineLock(project: LockProject): object {
  const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')).packages as Record<string, Entry>;
  const all: Record<string, Entry> = { ...own, ...project.extra };
  const parentOf = (p: string) => (p.lastIndexOf('/node_modules/') < 0 ? '' : p.slice(0, p.lastIndexOf('/node_modules/')));
  // Node's resolution: the nearest node_modules/<dep> from the dependent upwards.
  const resolve = (from: string, dep: string): string | undefined => {
    for (let p = from; ; p = parentOf(p)) {
      const candidate = `${p ? `${p}/` : ''}node_modules/${dep}`;
      if (all[candidate]) return candidate;
      if (!p) return undefined;
    }
  };
  const reach = (roots: string[]) => {
    const seen = new Set<string>();
    const queue = roots.map((d) => resolve('', d)).filter((p): p is string => p !== undefined);
    while (queue.length) {
      const p = queue.pop()!;
      if (seen.has(p)) continue;
      seen.add(p);
      const e = all[p];
      for (const d of Object.keys({ ...e.dependencies, ...e.optionalDependencies, ...e.peerDependencies })) {
        const r = resolve(p, d);
        if (r) queue.push(r);
      }
    }
    return seen;
  };
  const dev = project.devDependencies ?? {};
  const prod = reach(Object.keys(project.dependencies));
  const packages: Record<string, Entry> = { '': { name: project.name, dependencies: project.dependencies, devDependencies: dev } };
  for (const p of [...new Set([...prod, ...reach(Object.keys(dev))])].sort()) {
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = all[p];
    const name = p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length);
    packages[p] = { ...entry, resolved: entry.resolved ?? `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`, ...(prod.has(p) ? {} : { dev: true }) };
  }
  return { name: project.name, lockfileVersion: 3, requires: true, packages };
}

/** The lock entry of a packed bulkhead tarball, `resolved` as written in the dependent's package.json. */
export function tarballEntry(tarball: string, resolved: string): Record<string, Entry> {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const integrity = `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
  return { 'node_modules/bulkhead': { version: pkg.version, resolved, integrity, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines } };
}
