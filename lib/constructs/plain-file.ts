/**
 * A file that is not a Kubernetes manifest (Helm values, kind and eksctl cluster configs), rendered
 * next to the manifests of a cluster. Such files must live outside the directories Argo CD syncs as
 * manifests (a values file has no apiVersion; a kind config is not an API object), so their paths are
 * under `bootstrap/` by convention.
 *
 *   new PlainFile(this, 'values', {
 *     path: 'bootstrap/cilium-values.yaml',
 *     header: ['Cilium Helm values for cluster dev.'],
 *     content: () => values,
 *   });
 */
import { Construct, IConstruct } from 'constructs';

export interface PlainFileProps {
  /** Relative to the cluster's output directory. */
  readonly path: string;
  /** Comment lines written at the top of the file (without `#`). @default none */
  readonly header?: readonly string[];
  /** The document; called once at render time, so builders can keep adding until then. */
  readonly content: () => unknown;
}

const PLAIN_FILE = Symbol.for('bulkhead.PlainFile');

export class PlainFile extends Construct {
  static isPlainFile(x: IConstruct): x is PlainFile {
    return (x as unknown as Record<symbol, unknown>)[PLAIN_FILE] === true;
  }

  public readonly path: string;
  public readonly header: readonly string[];
  private readonly content: () => unknown;

  constructor(scope: Construct, id: string, props: PlainFileProps) {
    super(scope, id);
    Object.defineProperty(this, PLAIN_FILE, { value: true });
    this.path = props.path;
    this.header = props.header ?? [];
    this.content = props.content;
  }

  /** @internal */
  _toDocument(): unknown {
    return this.content();
  }
}
