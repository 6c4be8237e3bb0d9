/**
 * Synth benchmark: generates a synthetic platform, runs the real pipeline on it (intents file in,
 * verified dist/ out), and prints wall time and peak RSS per phase; then the two baselines for the
 * same rendered documents, `yaml.stringify` of every document (the floor) and plain cdk8s
 * `App.synth()`, and the ratios. A benchmark, not a test: numbers vary with the machine.
 *
 *   npm run bench -- --size L            # S | M | L | XL
 *   npm run bench -- --size L --double   # also 2x the workloads at the same flows per workload
 *   npm run bench -- --size L --no-cdk8s # skip the (slow) plain cdk8s baseline
 */
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { PhaseTimer, synthesize } from '../lib/synth/pipeline';
import { PlatformSize, SIZES, generatePlatform } from './generate';

const USAGE = `usage: npm run bench -- [--size S|M|L|XL] [--double] [--no-cdk8s]
  --size      the synthetic platform's size (default M)
  --double    also 2x the workloads at the same flows per workload
  --no-cdk8s  skip the (slow) plain cdk8s baseline
`;

/** The command line, strictly: an unknown flag or a bad size is a usage error (exit 2), never a run of the default. */
function options(argv: string[]): { size: string; double: boolean; cdk8s: boolean; writePlatform?: [string, string] } {
  const usage = (message: string): never => {
    process.stderr.write(`bench: ${message}\n${USAGE}`);
    process.exit(2);
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { size: { type: 'string' }, double: { type: 'boolean' }, 'no-cdk8s': { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, 'write-platform': { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    const message = (e as Error).message.split('\n')[0];
    return usage(/^Unknown option '([^']+)'/.exec(message)?.[1] ? `unknown option ${/^Unknown option '([^']+)'/.exec(message)![1]}` : message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  // Internal: the child process that writes a platform file (see run()).
  if (values['write-platform']) return { size: '', double: false, cdk8s: false, writePlatform: [positionals[0], positionals[1]] };
  if (positionals.length) usage(`unexpected argument ${positionals[0]}`);
  const size = (values.size ?? 'M').toUpperCase();
  if (!SIZES[size]) usage(`--size must be one of ${Object.keys(SIZES).join(', ')} (got ${values.size})`);
  return { size, double: values.double ?? false, cdk8s: !values['no-cdk8s'] };
}
const opts = options(process.argv.slice(2));
const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const secs = (ms: number) => (ms / 1000).toFixed(2).padStart(7);

function run(label: string, size: PlatformSize): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulkhead-bench-'));
  const intents = path.join(dir, 'platform.yaml');
  // In a child process: writing a platform of size XL leaves a gigabyte of the YAML library's garbage
  // behind, which would count in this process's peak RSS although synth never made it.
  execFileSync(process.execPath, [...process.execArgv, __filename, '--write-platform', intents, JSON.stringify(size)], { stdio: 'inherit' });

  const timer = new PhaseTimer();
  // Peak RSS so far at the end of each phase (a phase run once per cluster: at its last end).
  const peaks = new Map<string, number>();
  const original = timer.run.bind(timer);
  timer.run = <T>(name: string, fn: () => T): T => {
    const out = original(name, fn);
    peaks.set(name, peakMb());
    return out;
  };
  const result = synthesize({ intents, outDir: path.join(dir, 'dist') }, timer);
  const docs = result.clusters.flatMap((c) => c.files.flatMap((f) => f.manifests));
  const total = timer.phases.reduce((n, p) => n + p.ms, 0);
  const verify = timer.phases.find((p) => p.name === 'verify')!.ms;

  console.log(`\n${label}: ${size.tenants} tenants, ${size.workloads} workloads, ${size.flows} flows -> ${docs.length} documents`);
  console.log('phase                     wall (s)  peak RSS (MB)');
  for (const p of timer.phases) console.log(`${p.name.padEnd(24)} ${secs(p.ms)}  ${String(peaks.get(p.name)).padStart(8)}`);
  console.log(`${'total'.padEnd(24)} ${secs(total)}  ${String(peakMb()).padStart(8)}`);

  let start = performance.now();
  for (const d of docs) Yaml.stringify(d);
  const floor = performance.now() - start;
  console.log(`baseline yaml.stringify  ${secs(floor)}`);
  let cdk8s: number | undefined;
  if (opts.cdk8s) {
    start = performance.now();
    const app = new App({ outdir: path.join(dir, 'cdk8s') });
    const charts = new Map<string, Chart>();
    docs.forEach((d, i) => {
      const ns = d.metadata.namespace ?? 'cluster';
      if (!charts.has(ns)) charts.set(ns, new Chart(app, ns, { disableResourceNameHashes: true }));
      new ApiObject(charts.get(ns)!, `o${i}`, d);
    });
    app.synth();
    cdk8s = performance.now() - start;
    console.log(`baseline cdk8s synth     ${secs(cdk8s)}`);
  }
  console.log(`ratio to yaml floor: whole synth ${(total / floor).toFixed(2)}x, verification alone ${(verify / floor).toFixed(2)}x`);
  if (cdk8s !== undefined) console.log(`ratio to cdk8s synth: ${(total / cdk8s).toFixed(2)}x`);
  fs.rmSync(dir, { recursive: true, force: true });
}

if (opts.writePlatform) {
  const [file, size] = opts.writePlatform;
  fs.writeFileSync(file, stringify(generatePlatform(JSON.parse(size) as PlatformSize), { lineWidth: 0 }));
  process.exit(0);
}

const name = opts.size;
const size = SIZES[name];
run(name, size);
if (opts.double) run(`${name} x2 workloads`, { tenants: size.tenants * 2, workloads: size.workloads * 2, flows: size.flows * 2 });
