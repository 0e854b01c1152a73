/**
 * JSON merge patch (RFC 7386) applied to a YAML document in place: only the keys the patch names
 * change, so comments, key order and scalar styles of everything else survive the edit.
 */
import { isMap, isScalar, type Document, type Node } from 'yaml';
import { isJsonObject, type JsonObject, type JsonValue } from '../../domain/manifest.js';

export function mergePatchDocument(doc: Document, patch: JsonObject, path: readonly string[] = []): void {
  for (const [key, value] of Object.entries(patch)) {
    const at = [...path, key];
    if (value === null) doc.deleteIn(at);
    else if (isJsonObject(value) && isMap(doc.getIn(at, true))) mergePatchDocument(doc, value, at);
    else replaceValue(doc, at, isJsonObject(value) ? withoutNulls(value) : value);
  }
}

/** In a patch, null means "remove"; a new object is added without those keys (RFC 7386 §2). */
function withoutNulls(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== null) out[key] = isJsonObject(item) ? withoutNulls(item) : item;
  }
  return out;
}

function replaceValue(doc: Document, at: string[], value: JsonValue): void {
  const old = doc.getIn(at, true) as Node | undefined;
  // Same type of scalar: keep the node, so its comment and quoting style stay.
  if (isScalar(old) && typeof old.value === typeof value && !isJsonObject(value) && !Array.isArray(value)) {
    old.value = value;
    return;
  }
  const node = doc.createNode(value);
  if (old) {
    node.comment = old.comment;
    node.commentBefore = old.commentBefore;
  }
  doc.setIn(at, node);
}
