/** The git layer's public surface: GitSource and the values it takes and returns. */
export { GitSource, type GitSourceOptions } from './git-source.js';
export { GitError, SourceFileError } from './git-error.js';
export type { GitRemoteSample } from './repo-git.js';
export { SCHEMES_SETTING, checkUrl } from './url-policy.js';
export { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILES } from './read-manifests.js';
export type * from './types.js';
