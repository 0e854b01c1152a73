/** Typed reads of spec values for the rules; a wrong type reads as absent (the schema reports it). */
import { isJsonObject, type JsonObject, type JsonValue } from '../manifest.js';
import { parseIp, parsePrefix, type Prefix } from '../ipv4.js';

export const text = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : '');
export const num = (v: JsonValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
export const child = (o: JsonObject | undefined, key: string): JsonObject | undefined => {
  const v = o?.[key];
  return isJsonObject(v) ? v : undefined;
};
export const entries = (o: JsonObject | undefined, key: string): [string, JsonObject][] =>
  Object.entries(child(o, key) ?? {}).filter((e): e is [string, JsonObject] => isJsonObject(e[1]));
export const items = (o: JsonObject | undefined, key: string): JsonValue[] => {
  const v = o?.[key];
  return Array.isArray(v) ? v : [];
};
export const isEmpty = (o: JsonObject | undefined): boolean =>
  !o ||
  Object.values(o).every(
    (v) => v === null || v === '' || v === 0 || v === false || (isJsonObject(v) && isEmpty(v)),
  );

export const prefixAt = (v: JsonValue | undefined): Prefix | undefined =>
  typeof v === 'string' ? parsePrefix(v) : undefined;
export const ipAt = (v: JsonValue | undefined): number | undefined =>
  typeof v === 'string' ? parseIp(v) : undefined;

export const finding = (field: string, message: string) => ({ field, message });
