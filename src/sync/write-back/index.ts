export { WriteBackService, DEFAULT_AUTHOR, type WriteBackServiceOptions } from './write-back-service.js';
export { newObjectPath } from './manifest-tree.js';
export type {
  ChangeAction,
  CommitAuthor,
  ManifestInput,
  RecordChange,
  RecordPatch,
  WriteOptions,
  WriteResult,
} from './types.js';
