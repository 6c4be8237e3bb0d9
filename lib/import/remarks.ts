/**
 * What import says about the input besides the platform it writes. Three kinds, each listed in the report:
 * - `Rename`: a name bulkhead does not accept, and the name used instead;
 * - `Note`: a workload or Service setting the platform format has no place for (not connectivity);
 * - `Finding`: connectivity bulkhead cannot express, by policy and rule (or by the side no policy isolates);
 *   the imported platform denies it, and the proof leaves it out of the comparison.
 */

export interface Rename {
  /** e.g. `Deployment shop/My.App`, `namespace Shop`, `port 8080/TCP of shop/web`. */
  readonly what: string;
  readonly from: string;
  readonly to: string;
}

export interface Note {
  /** The object it is about, e.g. `StatefulSet shop/db`. */
  readonly subject: string;
  readonly what: string;
}

export interface Finding {
  /** `NetworkPolicy shop/allow-web ingress[0]`, or `shop/web (no ingress policy)`. */
  readonly where: string;
  readonly what: string;
}
