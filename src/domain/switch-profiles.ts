/**
 * SwitchProfiles the fabric controller creates itself (REFERENCE §1.6). They are never in Git, so a
 * Switch naming one of them is not a dangling reference.
 */
export const BUILTIN_SWITCH_PROFILES: readonly string[] = [
  'dell-s5232f-on',
  'dell-s5248f-on',
  'dell-z9332f-on',
  'celestica-ds2000',
  'celestica-ds3000',
  'celestica-ds4000',
  'celestica-ds4101',
  'celestica-ds5000',
  'edgecore-dcs203',
  'edgecore-dcs204',
  'edgecore-dcs240',
  'edgecore-dcs501',
  'edgecore-eps202',
  'edgecore-eps203',
  'supermicro-sse-c4632sb',
  'vs',
];

/** Optional built-in sets (SONiC CLS+ `*-clsp`, `cumulus-vx`): a fabric may enable them, so accept them. */
const OPTIONAL_PROFILES = ['cumulus-vx', ...BUILTIN_SWITCH_PROFILES.map((name) => `${name}-clsp`)];

/** Every profile name a fabric may provide without it being in Git. */
export const FABRIC_PROVIDED_SWITCH_PROFILES: ReadonlySet<string> = new Set([
  ...BUILTIN_SWITCH_PROFILES,
  ...OPTIONAL_PROFILES,
]);
