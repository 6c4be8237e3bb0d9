/** The three Go glob dialects Argo CD uses, as lib/gitops/glob.ts reproduces them on top of minimatch. */
import { argoGlobMatch, argoGlobMatchPath, goFilepathMatch } from '../../lib/gitops/glob';

test('argoGlobMatch (gobwas/glob, no separators: include/exclude, destinations)', () => {
  const yes: Array<[string, string]> = [
    ['web.yaml', 'web.yaml'],
    ['*.yaml', 'web.yaml'],
    ['*.yaml', 'sub/dir/web.yaml'], // * crosses '/'
    ['sub/*', 'sub/dir/web.yaml'],
    ['?eb.yaml', 'web.yaml'],
    ['a?b', 'a/b'], // ? too
    ['{web,billing}.yaml', 'billing.yaml'],
    ['{config.json,env-usw2/*}', 'env-usw2/a/b.yaml'], // the form Argo CD's docs give for several patterns
    ['[wb]eb.yaml', 'web.yaml'],
    ['[!b]eb.yaml', 'web.yaml'],
    ['.*', '.hidden.yaml'],
    ['*', ''],
    ['', ''],
    ['team-*', 'team-'],
  ];
  const no: Array<[string, string]> = [
    ['web.yaml', 'sub/web.yaml'], // anchored at both ends
    ['*.yml', 'web.yaml'],
    ['{web,billing}.yaml', 'patient-data.yaml'],
    ['[!w]eb.yaml', 'web.yaml'],
    ['', 'web'],
    ['web', ''],
  ];
  for (const [p, t] of yes) expect([p, t, argoGlobMatch(p, t)]).toEqual([p, t, true]);
  for (const [p, t] of no) expect([p, t, argoGlobMatch(p, t)]).toEqual([p, t, false]);
});

test("argoGlobMatchPath (gobwas/glob with '/' separator: sourceRepos)", () => {
  expect(argoGlobMatchPath('https://github.com/example/*', 'https://github.com/example/repo')).toBe(true);
  expect(argoGlobMatchPath('https://github.com/example/*', 'https://github.com/example/repo/sub')).toBe(false);
  expect(argoGlobMatchPath('https://github.com/**', 'https://github.com/example/repo')).toBe(true);
  expect(argoGlobMatchPath('https://github.com/example/repo', 'https:/github.com/example/repo')).toBe(false); // '//' is kept
  expect(argoGlobMatchPath('*', '')).toBe(true);
});

test('goFilepathMatch (Go filepath.Match: resource list group, kind, name)', () => {
  expect(goFilepathMatch('*', '')).toBe(true); // the core group
  expect(goFilepathMatch('', '')).toBe(true);
  expect(goFilepathMatch('', 'apps')).toBe(false);
  expect(goFilepathMatch('Cilium*', 'CiliumNetworkPolicy')).toBe(true);
  expect(goFilepathMatch('*.k8s.io', 'networking.k8s.io')).toBe(true);
  expect(goFilepathMatch('[A-C]*', 'ClusterRole')).toBe(true);
  expect(goFilepathMatch('{Namespace,Node}', 'Namespace')).toBe(false); // no braces in filepath.Match
  expect(goFilepathMatch('{Namespace,Node}', '{Namespace,Node}')).toBe(true);
});
