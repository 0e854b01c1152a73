/** The input and output vocabulary of offline validation (architecture §6, the VALIDATE stage). */
import type { Manifest } from './manifest.js';

/** Where a document came from, so every issue can point at its file and line. */
export interface ManifestSource {
  readonly file: string;
  /** 1-based line where the document's content starts. */
  readonly line: number;
  readonly documentIndex: number;
}

export interface SourcedManifest {
  readonly manifest: Manifest;
  readonly source: ManifestSource;
}

export interface ValidationIssue {
  readonly file?: string;
  readonly line?: number;
  readonly kind?: string;
  readonly name?: string;
  /** Path inside the object, e.g. spec.subnets.default.vlan. */
  readonly field?: string;
  readonly message: string;
}
