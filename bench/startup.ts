/**
 * Start-up cost: CPU time (user + sys, of the whole command and every process it starts) of the commands a
 * user runs most, median of 5 runs each, against the budgets of issue 14:
 *
 *   npm run -s synth          (the example platform, end to end: npm, Node.js, loading, compiling, writing)  <= 1.5 s
 *   node bin/bulkhead.js --help                                                                              <= 0.5 s
 *
 *   npm run bench:startup [-- --runs N]
 *
 * CPU time, not wall time, because the machine is shared: other work slows the wall clock more than the CPU
 * time a command needs (the load average is printed too). Measured through bash's `times`, which adds up the
 * CPU time of the children it waited for. A benchmark, not a test: it prints the figures and never fails.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(__dirname, '..');

interface Case {
  readonly label: string;
  readonly command: string;
  readonly budget: number;
}

const CASES: readonly Case[] = [
  { label: 'npm run -s synth', command: 'npm run -s synth', budget: 1.5 },
  { label: 'bulkhead --help', command: 'node bin/bulkhead.js --help', budget: 0.5 },
  { label: 'npm run -s bulkhead -- --help', command: 'npm run -s bulkhead -- --help', budget: Number.NaN },
];

const seconds = (t: string) => {
  const m = /^(\d+)m([\d.]+)s$/.exec(t);
  if (!m) throw new Error(`unexpected time ${t}`);
  return Number(m[1]) * 60 + Number(m[2]);
};

/** CPU seconds (user + sys) of `command` and its children, and what it wrote to stderr. */
function cpu(command: string): { cpu: number; stderr: string } {
  const errFile = path.join(os.tmpdir(), `bulkhead-bench-${process.pid}.err`);
  const out = execFileSync('bash', ['-c', `${command} >/dev/null 2>"$BENCH_ERR"; s=$?; times; exit $s`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BENCH_ERR: errFile } });
  // `times` prints the shell's own user/sys, then its children's.
  const [user, sys] = out.trim().split('\n')[1].trim().split(/\s+/);
  const stderr = fs.readFileSync(errFile, 'utf8');
  fs.rmSync(errFile, { force: true });
  return { cpu: seconds(user) + seconds(sys), stderr };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let runs = 5;
try {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { runs: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stdout.write('usage: npm run bench:startup [-- --runs N]\n');
    process.exit(0);
  }
  if (values.runs !== undefined) runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer (got ${values.runs})`);
} catch (e) {
  process.stderr.write(`bench:startup: ${(e as Error).message.split('\n')[0]}\nusage: npm run bench:startup [-- --runs N]\n`);
  process.exit(2);
}

const warm = cpu('npm run -s synth');
if (warm.stderr.includes('through tsx')) {
  process.stderr.write('bench:startup: build/ is older than the sources, so npm run synth runs them through tsx; run `npm run build` first\n');
  process.exit(2);
}
console.log(`node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; median of ${runs} runs`);
console.log('command                          CPU (s)   budget   runs (s)');
for (const c of CASES) {
  const times = Array.from({ length: runs }, () => cpu(c.command).cpu);
  const m = median(times);
  const budget = Number.isNaN(c.budget) ? '      -' : `${c.budget.toFixed(2).padStart(7)}${m <= c.budget ? '  ' : ' !'}`;
  console.log(`${c.label.padEnd(32)} ${m.toFixed(2).padStart(7)}  ${budget}  ${times.map((t) => t.toFixed(2)).join(' ')}`);
}
console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} ("!" marks a median over its budget)`);
