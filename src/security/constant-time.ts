import { createHash, timingSafeEqual } from 'node:crypto';

/** Whether two secrets are equal, in time independent of where they differ and of their lengths. */
export const secretsEqual = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
