/**
 * The fast render path writes exactly what cdk8s writes: `toYamlDocuments` against cdk8s's
 * `Yaml.stringify` on random documents full of YAML's traps, and `withFastToJson` against cdk8s's own
 * `toJson()` on every object of the example platform and on objects that use what cdk8s resolves
 * (Lazy, IntOrString, Quantity, implicit tokens, JSON patches, custom resolvers); and the gitops checks
 * find the same problems from the rendered documents as from the text they would otherwise parse.
 */
import { ApiObject, App, Chart, JsonPatch, Lazy, ResolutionContext, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import fc from 'fast-check';
import * as path from 'node:path';
import { ClusterPlatform } from '../../lib/constructs/cluster-platform';
import { withFastToJson } from '../../lib/emit/to-json';
import { RepoFile, checkGitOps } from '../../lib/gitops/checks';
import { toYamlDocument, toYamlDocuments } from '../../lib/emit/yaml';
import { checkPlatform } from '../../lib/intent/check';
import { loadIntentsFile } from '../../lib/intent/load';
import { forCluster } from '../../lib/model/platform';
import { synthesize } from '../../lib/synth/pipeline';

/** Strings YAML 1.1 reads as something else, or that need quotes or fall back for other reasons. */
const TRAPS = [
  '', ' ', 'a ', ' a', '-', '- a', '-a', '?', '? a', ':', 'a:', 'a: b', 'a:b', '#', 'a #b', 'a#b', '~', 'null', 'Null', 'NULL',
  'y', 'Y', 'n', 'N', 'yes', 'Yes', 'no', 'NO', 'on', 'On', 'off', 'OFF', 'true', 'False', '0', '-1', '+1', '1.5', '.5', '1e3', '1E-3',
  '0x1F', '0o17', '017', '0b101', '1_000', '1:20', '1:20:30.5', '.inf', '-.Inf', '.nan', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  '<<', '=', '*a', '&a', '!a', '|', '>', "'", '"', "it's", 'say "hi"', `'"`, '%x', '---', '--- a', '...', 'a\nb', 'a\n', '\n', '\t', 'a\tb',
  '\u0001', '\u007f', '\u0085', '\u00a0', 'é', '日本', '\ud800', '[a]', '{a}', 'a,b', '@a', '`a', 'a'.repeat(1100), 'k8s:io.kubernetes.pod.namespace',
  'app.kubernetes.io/name', '/records(/.*)?', 'GET', 'nginxinc/nginx-unprivileged:1.27-alpine', '*.example.com', '10.0.0.0/8', '8080', 'http',
];

const stringArb = fc.oneof(fc.constantFrom(...TRAPS), fc.string(), fc.string({ unit: 'grapheme' }), fc.stringMatching(/^[a-z][a-z0-9.-]{0,12}$/));
const scalarArb = fc.oneof(
  stringArb,
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.constantFrom(0, -0, 1e21, 1e-7, 0.1, 65535, Number.MAX_SAFE_INTEGER),
  fc.boolean(),
  fc.constantFrom(null, undefined),
);
const { doc: docArb } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarArb, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(stringArb, tie('value'), { maxKeys: 5 }),
  doc: fc.dictionary(stringArb, tie('value'), { minKeys: 0, maxKeys: 6 }),
}));

test('toYamlDocuments writes what Yaml.stringify writes', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(docArb, fc.constant(undefined), scalarArb), { maxLength: 4 }), (docs) => {
      expect(toYamlDocuments(docs)).toBe(Yaml.stringify(...docs));
    }),
    { numRuns: 3000 },
  );
});

test('the traps, one by one, as values, keys and items', () => {
  for (const s of TRAPS) {
    for (const doc of [{ k: s }, { [s]: 'v' }, { k: [s, { [s]: [s] }] }, { a: { b: [[s], []], c: {} } }]) expect(toYamlDocument(doc)).toBe(Yaml.stringify(doc));
  }
});

test('shared references and class instances fall back to yaml', () => {
  const shared = { a: 1 };
  const list = ['x'];
  for (const doc of [{ x: shared, y: shared }, { x: list, y: [list] }, { d: new Date(0) }, { m: new Map([['a', 1]]) }, { j: { toJSON: () => 'j' } }])
    expect(toYamlDocument(doc)).toBe(Yaml.stringify(doc));
});

const render = (objects: ApiObject[]) => objects.map((o) => JSON.stringify(o.toJson()));

test('withFastToJson renders every object of the example platform as toJson() does', () => {
  const loaded = loadIntentsFile(path.join(__dirname, '../../platform.yaml'));
  const platform = checkPlatform(loaded.spec, loaded.source);
  for (const c of platform.clusters) {
    const app = new App();
    new ClusterPlatform(app, c.name, { platform: forCluster(platform, c) });
    const objects = app.node.findAll().filter((x): x is ApiObject => x instanceof ApiObject);
    expect(objects.length).toBeGreaterThan(20);
    expect(withFastToJson(() => render(objects))).toEqual(render(objects));
  }
});

test('withFastToJson resolves what cdk8s resolves, applies patches, and leaves custom resolvers to cdk8s', () => {
  const build = (app: App) => {
    const chart = new Chart(app, 'c', { namespace: 'ns', labels: { team: 'a' } });
    let produced = 0;
    const objects: ApiObject[] = [
      new k8s.KubeService(chart, 'svc', {
        metadata: { annotations: { z: '1', a: '2' }, finalizers: [] },
        spec: { ports: [{ port: 80, targetPort: k8s.IntOrString.fromString('http') }, { port: 81, targetPort: k8s.IntOrString.fromNumber(8081) }] },
      }),
      new k8s.KubeDeployment(chart, 'deploy', {
        spec: {
          selector: { matchLabels: { b: '1', a: '2' } },
          template: {
            spec: {
              containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromNumber(1024) } } }],
            },
          },
        },
      }),
      new ApiObject(chart, 'lazy', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        data: Lazy.any({ produce: () => ({ count: String(++produced), nested: Lazy.any({ produce: () => ['x', null, undefined, { y: undefined }] }) }) }),
        token: { resolve: () => ({ resolved: true }) },
        list: [1, 'two', { three: [] }],
        empty: {},
      }),
    ];
    objects[2].addJsonPatch(JsonPatch.add('/data/extra', 'patched'), JsonPatch.remove('/empty'));
    objects[0].metadata.addLabel('added', 'later');
    return objects;
  };
  const cdk8s = render(build(new App()));
  expect(withFastToJson(() => render(build(new App())))).toEqual(cdk8s);

  const upper = {
    resolve: (ctx: ResolutionContext) => {
      if (typeof ctx.value === 'string' && ctx.key.includes('image') && ctx.value !== ctx.value.toUpperCase()) ctx.replaceValue(ctx.value.toUpperCase());
    },
  };
  const custom = () => render(build(new App({ resolvers: [upper] })));
  const expected = custom();
  expect(expected.join()).toContain('"image":"I"');
  expect(withFastToJson(custom)).toEqual(expected);
});

test('withFastToJson restores toJson, also when rendering throws', () => {
  const original = ApiObject.prototype.toJson;
  expect(() =>
    withFastToJson(() => {
      expect(ApiObject.prototype.toJson).not.toBe(original);
      throw new Error('boom');
    }),
  ).toThrow('boom');
  expect(ApiObject.prototype.toJson).toBe(original);
});

test('the gitops checks find the same problems from the rendered documents as from the text', () => {
  const result = synthesize({ intents: path.join(__dirname, '../../platform.yaml'), dryRun: true });
  const textOnly: RepoFile[] = [
    ...result.clusters.flatMap((c) => [...c.texts].map(([file, text]) => ({ path: `dist/${c.cluster.cluster.name}/${file}`, text }))),
    ...[...result.delivery].map(([file, text]) => ({ path: `argocd/${file}`, text })),
  ];
  // Break it on purpose: an object under no Application, one synced twice, a values file in a synced directory.
  const dev = result.clusters.find((c) => c.cluster.cluster.name === 'dev')!;
  const tenantFile = dev.files.find((f) => f.path.startsWith('tenants/'))!;
  const extra = [
    { path: 'dist/dev/unowned/extra.yaml', docs: [tenantFile.manifests[0]] },
    { path: 'dist/dev/platform/copy.yaml', docs: [tenantFile.manifests[1]] },
    { path: 'dist/dev/platform/values.yaml', docs: [{ hubble: { enabled: true } }] },
  ].map((f) => ({ ...f, text: Yaml.stringify(...f.docs) }));
  const docsOf = new Map<string, readonly unknown[]>(result.clusters.flatMap((c) => c.files.filter((f) => f.text === undefined).map((f) => [`dist/${c.cluster.cluster.name}/${f.path}`, f.manifests] as const)));
  const withDocs: RepoFile[] = [...textOnly.map((f) => ({ ...f, docs: docsOf.get(f.path) })), ...extra];
  const repoURL = result.platform.gitops!.repoURL;
  const problems = checkGitOps([...textOnly, ...extra.map(({ path, text }) => ({ path, text }))], { repoURL });
  expect(problems.map((p) => p.check)).toEqual(expect.arrayContaining(['directory', 'ownership', 'ownership', 'project']));
  expect(checkGitOps(withDocs, { repoURL })).toEqual(problems);
});
