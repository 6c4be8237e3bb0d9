/**
 * What rendering produces, shared by the constructs (which take rendered files, e.g. to deliver
 * them with Argo CD), the renderer and the pipeline, and the error any of them throws for output
 * that must not be written (synth prints it as one line).
 */

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<string, unknown>;

/**
 * A rendered file: its path relative to the cluster's directory, and its documents. Plain files
 * (values, cluster configs) carry their `text` and no manifests, so the analyzer never reads them.
 */
export interface RenderedFile {
  readonly path: string;
  readonly manifests: readonly Manifest[];
  readonly text?: string;
}

/** Output that must not be written: invalid or colliding names, constructs asked for something they cannot render. */
export class RenderError extends Error {}
