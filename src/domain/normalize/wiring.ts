/** The Switch and VLANNamespace webhook defaults (REFERENCE §1.5). */
import { isJsonObject, type JsonValue } from '../manifest.js';
import { existingObject, isBlank, sortListAt, type Rule } from './draft.js';

/** `vlanNamespaces` defaults to `["default"]`. */
export const defaultSwitchVlanNamespaces: Rule = {
  kind: 'Switch',
  apply(spec) {
    const namespaces = spec['vlanNamespaces'];
    if (!Array.isArray(namespaces) || namespaces.length === 0) spec['vlanNamespaces'] = ['default'];
  },
};

/** `redundancy.group` is added to `groups` when missing. */
export const addRedundancyGroup: Rule = {
  kind: 'Switch',
  apply(spec) {
    const group = existingObject(spec, 'redundancy')?.['group'];
    if (typeof group !== 'string' || group === '') return;
    const groups = Array.isArray(spec['groups']) ? spec['groups'] : (spec['groups'] = []);
    if (!groups.includes(group)) groups.push(group);
  },
};

/** `groups` and `vlanNamespaces` are sorted. */
export const sortSwitchLists: Rule = {
  kind: 'Switch',
  apply(spec) {
    sortListAt(spec, 'groups');
    sortListAt(spec, 'vlanNamespaces');
  },
};

/** A `SPEED_` prefix is removed from `portSpeeds` and `portGroupSpeeds` values. */
export const stripSpeedPrefix: Rule = {
  kind: 'Switch',
  apply(spec) {
    for (const key of ['portSpeeds', 'portGroupSpeeds']) {
      const speeds = existingObject(spec, key);
      for (const [port, speed] of Object.entries(speeds ?? {})) {
        if (typeof speed === 'string' && speed.startsWith('SPEED_'))
          speeds![port] = speed.slice('SPEED_'.length);
      }
    }
  },
};

const LINK_FLAP_DEFAULTS = { flapThreshold: 3, samplingInterval: 30, recoveryInterval: 300 } as const;

/** A present `linkFlapErrDisable` gets its three defaults (also the CRD's schema defaults). */
export const defaultLinkFlap: Rule = {
  kind: 'Switch',
  apply(spec) {
    const flap = existingObject(spec, 'linkFlapErrDisable');
    if (!flap) return;
    for (const [key, value] of Object.entries(LINK_FLAP_DEFAULTS)) if (isBlank(flap[key])) flap[key] = value;
  },
};

const rangeNumber = (v: JsonValue, key: 'from' | 'to'): number =>
  isJsonObject(v) && typeof v[key] === 'number' ? v[key] : 0;

/** A range without `to` ends at `from`; ranges are sorted (never merged). */
export const normalizeVlanRanges: Rule = {
  kind: 'VLANNamespace',
  apply(spec) {
    const ranges = spec['ranges'];
    if (!Array.isArray(ranges)) return;
    for (const range of ranges) {
      if (isJsonObject(range) && (isBlank(range['to']) || range['to'] === 0))
        range['to'] = range['from'] ?? 0;
    }
    ranges.sort(
      (a, b) =>
        rangeNumber(a, 'from') - rangeNumber(b, 'from') || rangeNumber(a, 'to') - rangeNumber(b, 'to'),
    );
  },
};

export const WIRING_RULES: readonly Rule[] = [
  defaultSwitchVlanNamespaces,
  addRedundancyGroup,
  sortSwitchLists,
  stripSpeedPrefix,
  defaultLinkFlap,
  normalizeVlanRanges,
];
