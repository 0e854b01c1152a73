/**
 * How much a difference matters (drift report severity, architecture §6). First matching row
 * wins; anything else in `spec` changes what the fabric does and is HIGH.
 *
 * | path                                                       | severity | why                                  |
 * |------------------------------------------------------------|----------|--------------------------------------|
 * | metadata.* (labels, annotations)                           | LOW      | bookkeeping, no effect on the fabric |
 * | any `description`                                          | LOW      | free text                            |
 * | apiVersion, kind                                           | HIGH     | a different object                   |
 * | dhcp.options, boot, linkFlapErrDisable, portAutoNegs, enableAllPorts | MEDIUM | tuning, not topology        |
 * | everything else under spec                                 | HIGH     | VLANs, subnets, links, references    |
 */
import type { Severity } from './states.js';

const TABLE: readonly (readonly [RegExp, Severity])[] = [
  [/^metadata(\.|\[|$)/, 'LOW'],
  [/(^|\.)description$/, 'LOW'],
  [/\.dhcp\.options(\.|\[|$)/, 'MEDIUM'],
  [/^spec\.(boot|linkFlapErrDisable|portAutoNegs|enableAllPorts)(\.|\[|$)/, 'MEDIUM'],
];

export function severityOf(path: string): Severity {
  for (const [pattern, severity] of TABLE) if (pattern.test(path)) return severity;
  return 'HIGH';
}

/** Weight of a severity in the drift score. */
export const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = { LOW: 0.2, MEDIUM: 0.5, HIGH: 1 };
