// Runs webhook-rule cases: the mini fabric is valid; each case's edit breaks exactly one rule.
import { describe, expect, it } from 'vitest';
import type { JsonObject, Manifest } from '../../src/domain/manifest.js';
import { validateManifests, type ValidateOptions } from '../../src/domain/validate.js';
import { fabricWith, miniFabric, sourced } from './mini-fabric.js';

export type Edit = (spec: JsonObject, m: Manifest) => void;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the edits reach deep into fixture specs
export const deep = (spec: JsonObject): any => spec;

export interface RuleCase {
  readonly rule: string;
  readonly kind: string;
  readonly name: string;
  readonly edit: Edit;
  readonly field: string;
  readonly message: RegExp;
  readonly options?: ValidateOptions;
  /** Objects added to the fabric for this case. */
  readonly extra?: Manifest[];
}

export function describeRules(cases: readonly RuleCase[]): void {
  describe.each(cases)('rule: $rule', ({ kind, name, edit, field, message, options, extra = [] }) => {
    it('accepts the valid fabric', () => {
      expect(validateManifests(sourced(miniFabric()), options)).toEqual([]);
    });
    it(`reports ${field}`, () => {
      const manifests = [...fabricWith(kind, name, (m) => edit(m.spec!, m)), ...extra];
      const issues = validateManifests(sourced(manifests), options);
      expect(issues).toContainEqual(
        expect.objectContaining({ field, message: expect.stringMatching(message) }),
      );
      expect(issues.every((i) => i.file && i.line && i.kind && i.name)).toBe(true);
    });
  });
}
