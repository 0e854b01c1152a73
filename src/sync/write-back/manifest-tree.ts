/**
 * A fabric's directory at one commit, open for edits: finds each object by kind/namespace/name in
 * the parsed files (the stored source file may be stale), edits the file that holds it, and renders
 * and validates the result as the git sync would read it.
 *
 * New objects go to `<directory>/<plural>.yaml` (e.g. `fabrics/east/vpcs.yaml`), appended as a new
 * document; the file is created when it does not exist.
 */
import { refOf } from '../../cluster/index.js';
import { conflict } from '../../domain/errors.js';
import { formatRef, kindInfo, type ObjectRef } from '../../domain/kinds.js';
import type { JsonObject, Manifest } from '../../domain/manifest.js';
import { parseManifestFile, type ParseResult } from '../../domain/parse-manifests.js';
import { validateManifests, type SourcedManifest, type ValidationIssue } from '../../domain/validate.js';
import type { FileChange, ManifestFile } from '../../git/types.js';
import { mergePatchDocument } from './merge-patch.js';
import { YamlFile } from './yaml-file.js';

interface Location {
  readonly path: string;
  readonly index: number;
}

/** The file a new object of `kind` goes to (the documented convention). */
export const newObjectPath = (directory: string, kind: string): string =>
  `${directory ? `${directory}/` : ''}${kindInfo(kind).plural}.yaml`;

export class ManifestTree {
  private readonly base = new Map<string, { content: string; parsed: ParseResult }>();
  private readonly open = new Map<string, YamlFile>();
  private readonly locations = new Map<string, Location>();

  constructor(
    private readonly directory: string,
    private readonly commit: string,
    files: readonly ManifestFile[],
  ) {
    for (const { path, content } of files) {
      const parsed = parseManifestFile(path, content);
      this.base.set(path, { content, parsed });
      for (const { manifest, documentIndex } of parsed.documents) {
        const key = formatRef(refOf(manifest));
        // A duplicate fails validation anyway; the first copy is the one an edit would reach.
        if (!this.locations.has(key)) this.locations.set(key, { path, index: documentIndex });
      }
    }
  }

  /** Appends a new object; CONFLICT when an object with its kind, namespace and name exists. */
  create(manifest: Manifest): void {
    const key = formatRef(refOf(manifest));
    const existing = this.locations.get(key);
    if (existing) throw this.conflict(`${key} already exists in ${existing.path}`);
    const path = newObjectPath(this.directory, manifest.kind);
    const file = this.open.get(path) ?? this.openFile(path);
    this.locations.set(key, { path, index: file.append(manifest) });
  }

  update(ref: ObjectRef, patch: JsonObject): void {
    const { file, index } = this.locate(ref);
    mergePatchDocument(file.document(index), patch);
    file.markEdited(index);
  }

  delete(ref: ObjectRef): void {
    const { file, index } = this.locate(ref);
    file.remove(index);
    this.locations.delete(formatRef(ref));
  }

  /** Every file the edits changed; null content deletes a file left without objects. */
  changes(): FileChange[] {
    return [...this.open.values()]
      .filter((file) => file.changed)
      .map((file) => ({ path: file.path, content: file.render() }));
  }

  /** The whole resulting directory through the git sync's rules: parse errors first, then validation. */
  validate(): ValidationIssue[] {
    const paths = [...new Set([...this.base.keys(), ...this.open.keys()])].sort();
    const items: SourcedManifest[] = [];
    const issues: ValidationIssue[] = [];
    for (const path of paths) {
      const parsed = this.parsedAfterEdits(path);
      if (!parsed) continue;
      issues.push(...parsed.errors.map(({ file, line, message }) => ({ file, line, message })));
      for (const { manifest, line, documentIndex } of parsed.documents) {
        items.push({ manifest, source: { file: path, line, documentIndex } });
      }
    }
    return [...issues, ...validateManifests(items)];
  }

  private parsedAfterEdits(path: string): ParseResult | undefined {
    const file = this.open.get(path);
    if (!file?.changed) return this.base.get(path)?.parsed;
    const content = file.render();
    return content === null ? undefined : parseManifestFile(path, content);
  }

  private locate(ref: ObjectRef): { file: YamlFile; index: number } {
    const key = formatRef(ref);
    const location = this.locations.get(key);
    if (!location) throw this.conflict(`${key} is not in the fabric's directory at ${this.commit}`);
    return { file: this.open.get(location.path) ?? this.openFile(location.path), index: location.index };
  }

  private openFile(path: string): YamlFile {
    const base = this.base.get(path);
    const file = base ? YamlFile.parse(path, base.content) : YamlFile.empty(path);
    this.open.set(path, file);
    return file;
  }

  private conflict(message: string) {
    return conflict(message, { currentCommit: this.commit });
  }
}
