/** Multi-row statements go in chunks of this many rows, to stay under PostgreSQL's parameter limit. */
const CHUNK = 1000;

export const chunks = <T>(items: readonly T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
};
