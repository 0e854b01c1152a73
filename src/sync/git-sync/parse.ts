/** PARSE: every `*.yaml`/`*.yml` under the directory, streamed, safely parsed into sourced manifests. */
import { parseManifestFile } from '../../domain/parse-manifests.js';
import { SourceFileError } from '../../git/git-error.js';
import type { SourcedManifest } from '../../domain/validation-types.js';
import type { OperationErrorEntry } from '../../store/entities/index.js';
import { OperationFailure, throwIfCancelled, type StageResult } from '../stage.js';
import { required, type GitSyncContext } from './context.js';

export async function parseFiles(ctx: GitSyncContext, signal: AbortSignal): Promise<StageResult> {
  const fabric = required(ctx.fabric, 'fabric');
  const manifests: SourcedManifest[] = [];
  const errors: OperationErrorEntry[] = [];
  let files = 0;
  try {
    const stream = ctx.deps.git.readManifestFiles(
      required(ctx.access, 'access'),
      required(ctx.commit, 'commit'),
      fabric.directory,
      {
        excludeDirs: ctx.excludeDirs ?? [],
      },
    );
    for await (const file of stream) {
      throwIfCancelled(signal);
      files += 1;
      const parsed = parseManifestFile(file.path, file.content);
      errors.push(...parsed.errors);
      for (const doc of parsed.documents)
        manifests.push({
          manifest: doc.manifest,
          source: { file: file.path, line: doc.line, documentIndex: doc.documentIndex },
        });
    }
  } catch (err) {
    if (err instanceof SourceFileError)
      throw new OperationFailure(
        `${err.problems.length} file(s) cannot be read safely`,
        err.problems.map((p) => ({ ...p })),
      );
    throw err;
  }
  ctx.manifests = manifests;
  ctx.parseErrors = errors;
  if (errors.length > 0)
    throw new OperationFailure(`${errors.length} YAML error(s) in ${files} file(s)`, errors);
  return { counts: { files, documents: manifests.length } };
}
