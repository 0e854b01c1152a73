/** Label and field selectors (contract §3.2): parse errors are 400 BadRequest. */
import { badRequest } from './status.js';
import type { KubeObject } from './types.js';

type Predicate = (o: KubeObject) => boolean;

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

/** Splits on commas that are not inside parentheses. */
function terms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  out.push(current.trim());
  return out.filter((t) => t !== '');
}

function checkKey(key: string, selector: string): string {
  if (!KEY.test(key))
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${selector}"`);
  return key;
}

/** A value that holds another operator ("a=b=c") is where the real lexer stops. */
function checkValue(value: string): string {
  const symbol = /[=!<>()]/.exec(value)?.[0];
  if (symbol) throw badRequest(`found '${symbol}', expected: ',' or 'end of string'`);
  return value;
}

/** `key>n` / `key<n`: both sides must be integers; a label that is not one never matches. */
function numericTerm(key: string, op: string, operand: string): (labels: Record<string, string>) => boolean {
  if (!/^[+-]?\d+$/.test(operand))
    throw badRequest(
      `unable to parse requirement: values[0]: Invalid value: "${operand}": for 'Gt', 'Lt' operators, the value must be an integer`,
    );
  const bound = BigInt(operand);
  return (l) => {
    const value = l[key];
    if (value === undefined || !/^[+-]?\d+$/.test(value)) return false;
    return op === '>' ? BigInt(value) > bound : BigInt(value) < bound;
  };
}

function labelTerm(term: string, selector: string): (labels: Record<string, string>) => boolean {
  const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (set) {
    const key = checkKey(set[1]!, selector);
    const values = set[3]!.split(',').map((v) => v.trim());
    return set[2] === 'in' ? (l) => values.includes(l[key] ?? '\0') : (l) => !values.includes(l[key] ?? '\0');
  }
  const numeric = /^([^!=<>\s]+)\s*([<>])\s*(\S*)$/.exec(term);
  if (numeric) return numericTerm(checkKey(numeric[1]!, selector), numeric[2]!, checkValue(numeric[3]!));
  const cmp = /^([^!=<>\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (cmp) {
    const key = checkKey(cmp[1]!, selector);
    const value = checkValue(cmp[3]!);
    return cmp[2] === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  if (term.startsWith('!')) {
    const key = checkKey(term.slice(1).trim(), selector);
    return (l) => !(key in l);
  }
  const key = checkKey(term, selector);
  return (l) => key in l;
}

function parseLabelSelector(selector: string | undefined): Predicate {
  if (!selector) return () => true;
  const checks = terms(selector).map((t) => labelTerm(t, selector));
  return (o) => {
    const labels = o.metadata?.labels ?? {};
    return checks.every((check) => check(labels));
  };
}

const FIELD_GETTERS: Record<string, (o: KubeObject) => string> = {
  'metadata.name': (o) => o.metadata?.name ?? '',
  'metadata.namespace': (o) => o.metadata?.namespace ?? '',
};

function parseFieldSelector(selector: string | undefined): Predicate {
  if (!selector) return () => true;
  const checks = terms(selector).map((term) => {
    const m = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const getter = FIELD_GETTERS[m[1]!];
    if (!getter) throw badRequest(`field label not supported: ${m[1]}`);
    const value = m[3]!;
    return m[2] === '!=' ? (o: KubeObject) => getter(o) !== value : (o: KubeObject) => getter(o) === value;
  });
  return (o) => checks.every((check) => check(o));
}

export function parseSelectors(query: URLSearchParams): Predicate {
  const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
  const fields = parseFieldSelector(query.get('fieldSelector') ?? undefined);
  return (o) => labels(o) && fields(o);
}
