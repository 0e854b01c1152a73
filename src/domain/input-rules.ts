/** Checks for user input that name the offending field, so the API can answer BAD_USER_INPUT precisely. */
import { badInput } from './errors.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DISPLAY_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A database id as stored: a UUID in lower case. */
export const isUuid = (text: string): boolean => UUID.test(text);

/** RFC 1123 label: what Kubernetes accepts as a namespace and fabric-sync as a fabric name. */
export function dnsLabel(field: string, value: string): string {
  if (value.length > 63 || !DNS_LABEL.test(value))
    throw badInput(
      field,
      `"${value}" must be a lowercase RFC 1123 label (a-z, 0-9, '-', at most 63 characters)`,
    );
  return value;
}

/** The database stores branch names in 255 characters; bytes bound both that and git's file names. */
const MAX_BRANCH_BYTES = 255;
const UTF8 = new TextEncoder();
/** Characters git refuses anywhere in a ref: controls, space, ~ ^ : ? * [ and backslash. */
const REF_FORBIDDEN = /[\0-\x20\x7f~^:?*[\\]/;

/**
 * A branch name as `git check-ref-format --branch` accepts it, at most 255 bytes: it reaches git's
 * argv and refspecs, so it must never read as an option, a revision expression or a pattern.
 */
export function branchName(field: string, value: string): string {
  const components = value.split('/');
  const bad =
    value === '' ||
    value === '@' ||
    value === 'HEAD' ||
    value.startsWith('-') ||
    value.endsWith('.') ||
    value.includes('..') ||
    value.includes('@{') ||
    REF_FORBIDDEN.test(value) ||
    // Also refuses a leading or trailing slash and '//': each leaves an empty component.
    components.some((part) => part === '' || part.startsWith('.') || part.endsWith('.lock')) ||
    UTF8.encode(value).length > MAX_BRANCH_BYTES;
  if (bad)
    throw badInput(
      field,
      `"${value.length > 64 ? `${value.slice(0, 64)}…` : value}" is not a valid branch name (git ref rules, at most ${MAX_BRANCH_BYTES} bytes)`,
    );
  return value;
}

export function displayName(field: string, value: string, max = 253): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max || !DISPLAY_NAME.test(trimmed))
    throw badInput(field, `must be 1–${max} characters of letters, digits, space, '.', '_' or '-'`);
  return trimmed;
}

export function httpUrl(field: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput(field, 'is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badInput(field, 'must be an https:// URL');
  if (url.username || url.password)
    throw badInput(field, 'must not contain credentials; use the token field');
  return url;
}

const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*/;

/** A CA bundle: one or more PEM certificates and nothing else (a private key here would be a leak). */
export function pemCertificates(field: string, value: string): string {
  let rest = value.trim();
  if (rest === '') throw badInput(field, 'is empty');
  while (rest !== '') {
    const match = PEM_CERTIFICATE.exec(rest);
    if (!match) throw badInput(field, 'must be PEM certificates (-----BEGIN CERTIFICATE----- …)');
    rest = rest.slice(match[0].length).trim();
  }
  return value.trim() + '\n';
}

export function integerRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw badInput(field, `must be between ${min} and ${max}`);
  return value;
}

/** 0 turns scheduling off; shorter intervals than 30 s would hammer Git remotes. */
export function syncInterval(field: string, value: number): number {
  if (value === 0) return 0;
  return integerRange(field, value, 30, 7 * 24 * 3600);
}
