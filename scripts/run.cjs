#!/usr/bin/env node
/**
 * How this repository's npm scripts run bulkhead: `node scripts/run.cjs <file.ts> [args...]` runs the
 * compiled build/<file>.js (what `npm ci` built, through `prepare`), so `npm run synth` costs no
 * TypeScript compiler. A developer who edited a source after the last build would silently get the old
 * build, so the newest modification time of the sources (main.ts, lib/, imports/, the schema and the
 * tsconfigs) is compared with build/.stamp, which `npm run build` writes after a successful `tsc`: when a
 * source is newer (or there is no build), the TypeScript itself runs through tsx, with a one-line note.
 * Rebuilding instead would cost a full `tsc` (about 12 s of CPU) on the first run after every edit;
 * tsx costs about 2 s on every run until `npm run build`. Not shipped: installed packages run
 * bin/bulkhead.js, which loads build/ directly (there are no sources to be newer).
 *
 *   node scripts/run.cjs --stamp     write build/.stamp (the last step of `npm run build`)
 *   node scripts/run.cjs --current   exit 0 when build/ is current, 1 when a source is newer or there is none
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const BUILD = path.join(ROOT, 'build');
const STAMP = path.join(BUILD, '.stamp');
const SOURCES = ['main.ts', 'lib', 'imports', 'schema', 'tsconfig.json', 'tsconfig.build.json'];

/** Newest modification time (ms) of the files under `p` that the build reads. */
function newest(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs; // a deleted or renamed file changes its directory's time
  for (const e of fs.readdirSync(p, { withFileTypes: true })) {
    if (e.isDirectory() || /\.(ts|json)$/.test(e.name)) max = Math.max(max, newest(path.join(p, e.name)));
  }
  return max;
}

function buildIsCurrent() {
  let stamp;
  try {
    stamp = fs.statSync(STAMP).mtimeMs;
  } catch {
    return false;
  }
  return SOURCES.every((s) => newest(path.join(ROOT, s)) <= stamp);
}

const [, , target, ...args] = process.argv;
if (target === '--stamp') {
  fs.mkdirSync(BUILD, { recursive: true });
  fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  process.exit(0);
}
if (target === '--current') process.exit(buildIsCurrent() ? 0 : 1);
if (!target || !target.endsWith('.ts')) {
  process.stderr.write('usage: node scripts/run.cjs <file.ts> [args...] | --stamp | --current\n');
  process.exit(2);
}

let file;
if (buildIsCurrent()) {
  file = path.join(BUILD, target.replace(/\.ts$/, '.js'));
} else {
  const why = fs.existsSync(STAMP) ? 'the TypeScript sources changed since the last build' : 'there is no build yet';
  process.stderr.write(`bulkhead: ${why}; running them through tsx (run \`npm run build\` for the fast path)\n`);
  require('tsx/cjs/api').register();
  file = path.join(ROOT, target);
}
// The module sees the command line it would see if run directly: node <file> [args...].
process.argv = [process.argv[0], file, ...args];
const mod = require(file);
if (typeof mod.main === 'function') mod.main();
