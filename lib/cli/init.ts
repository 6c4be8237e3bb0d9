/**
 * `bulkhead init [DIR] [--name NAME] [--bulkhead-spec SPEC] [--force]`: a platform repository in DIR (default:
 * the current directory), in the layout cdk8s users know: platform.yaml (a small commented example that
 * synthesizes), main.ts (the cdk8s app: `synthApp` from `bulkhead/cli`), cdk8s.yaml, package.json (bulkhead,
 * and tsx and cdk8s-cli at the versions bulkhead is tested with), .npmrc (quiets cdk8s-cli's upgrade check),
 * .gitignore, .github/workflows/bulkhead.yml (the Action) and a README. Existing files are never
 * overwritten without --force. The templates are in templates/init/ of the package.
 */
import { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliContext } from './context';
import { UsageError } from './errors';

interface InitOptions {
  name?: string;
  bulkheadSpec?: string;
  force?: boolean;
}

/** Template file (under templates/init/) to the path it is written to: npm never packs dot files such as .npmrc. */
const FILES: ReadonlyArray<readonly [string, string]> = [
  ['platform.yaml', 'platform.yaml'],
  ['main.ts', 'main.ts'],
  ['cdk8s.yaml', 'cdk8s.yaml'],
  ['npmrc', '.npmrc'],
  ['gitignore', '.gitignore'],
  ['github/workflows/bulkhead.yml', '.github/workflows/bulkhead.yml'],
  ['README.md', 'README.md'],
];

interface OwnPackage {
  readonly version: string;
  readonly devDependencies: Readonly<Record<string, string>>;
}

/** bulkhead's own package directory (where package.json and templates/ are), from lib/cli/ or build/lib/cli/. */
function packageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'templates', 'init')) && fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`templates/init not found above ${__dirname}`);
  }
}

/** A DNS label from a directory name: what metadata.name and package names accept. */
export function platformName(dir: string): string {
  const name = path
    .basename(path.resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return /^[a-z]/.test(name) ? name : `platform${name ? `-${name}` : ''}`.slice(0, 63);
}

/** package.json of the new repository. */
export function packageJson(name: string, bulkheadSpec: string, own: OwnPackage): string {
  const dev = (pkg: string) => {
    const v = own.devDependencies[pkg];
    if (!v) throw new Error(`bulkhead's package.json has no devDependency ${pkg}`);
    return v;
  };
  const pkg = {
    name,
    version: '0.0.0',
    private: true,
    description: `The ${name} platform: intents in platform.yaml, verified manifests in dist/, Argo CD Applications in argocd/`,
    scripts: {
      synth: 'tsx main.ts',
      bulkhead: 'bulkhead',
    },
    dependencies: { bulkhead: bulkheadSpec },
    devDependencies: { 'cdk8s-cli': dev('cdk8s-cli'), tsx: dev('tsx') },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export function configure(command: Command, ctx: CliContext): void {
  command
    .argument('[dir]', 'the directory (created if missing)', '.')
    .option('--name <name>', 'the platform (metadata.name and the package name; default: from the directory name)')
    .option('--bulkhead-spec <spec>', "the bulkhead dependency written to package.json (default: ^ this version; a path or file: tarball also works)")
    .option('--force', 'overwrite files that exist')
    .action((dir: string, opts: InitOptions) => {
      const root = packageRoot();
      const own = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as OwnPackage;
      const name = opts.name ?? platformName(dir);
      if (!/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) throw new UsageError(`--name ${JSON.stringify(name)} is not a DNS label (lowercase letters, digits and '-', starting with a letter, at most 63 characters)`);
      const spec = opts.bulkheadSpec ?? `^${own.version}`;
      const files: Array<[string, string]> = FILES.map(([from, to]) => [to, fs.readFileSync(path.join(root, 'templates', 'init', from), 'utf8').replace(/\{\{name\}\}/g, name)]);
      files.push(['package.json', packageJson(name, spec, own)]);
      const existing = files.map(([to]) => to).filter((to) => fs.existsSync(path.join(dir, to)));
      if (existing.length && !opts.force) throw new UsageError(`${dir}: ${existing.join(', ')} exist already; init writes nothing over them (use --force to overwrite)`);
      for (const [to, text] of files) {
        const file = path.join(dir, to);
        try {
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, text);
        } catch (e) {
          throw new UsageError(`${file}: cannot write: ${(e as Error).message}`);
        }
      }
      const cd = path.resolve(dir) === process.cwd() ? '' : `cd ${dir} && `;
      ctx.io.stdout(
        [
          `bulkhead: wrote the ${name} platform repository in ${dir}: ${files.map(([to]) => to).join(', ')}`,
          'next:',
          `  ${cd}npm install && npm run synth      # platform.yaml -> dist/ and argocd/, verified`,
          '  then set gitops.repoURL in platform.yaml to your repository, commit everything (dist/ and argocd/ too), and push',
          '',
        ].join('\n'),
      );
    });
}
