/**
 * A chart for platform-owned objects that belong to no tenant (guardrails, gateways), rendered to
 * one named file under `platform/` so that Argo CD can sync it apart from the tenants.
 *
 *   const guardrails = new PlatformChart(app, 'guardrails', { outputFile: 'platform/guardrails.yaml' });
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';

export interface PlatformChartProps {
  /** Relative to the cluster's output directory. */
  readonly outputFile: string;
  /** For namespaced objects. @default none */
  readonly namespace?: string;
}

export class PlatformChart extends Chart {
  public readonly outputFile: string;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    this.outputFile = props.outputFile;
  }
}
