/**
 * Replaces every occurrence of any of many literal strings in one pass over the text.
 *
 * Candidates are bucketed by their first PREFIX characters, so the cost per text position is one
 * map lookup, whatever the number of literals: a regex alternation of thousands of secrets would
 * try each alternative at each position. At each position the longest literal wins.
 */
const PREFIX = 4;

export class LiteralMatcher {
  private readonly buckets = new Map<string, string[]>();

  /** Every literal must be at least PREFIX characters long; shorter ones are ignored. */
  constructor(literals: Iterable<string> = []) {
    this.add(literals);
  }

  /** Adds literals in place (cheap), keeping each bucket longest-first. */
  add(literals: Iterable<string>): void {
    for (const literal of literals) {
      if (literal.length < PREFIX) continue;
      const key = literal.slice(0, PREFIX);
      const bucket = this.buckets.get(key) ?? [];
      if (bucket.includes(literal)) continue;
      const at = bucket.findIndex((other) => other.length < literal.length);
      bucket.splice(at === -1 ? bucket.length : at, 0, literal);
      this.buckets.set(key, bucket);
    }
  }

  get isEmpty(): boolean {
    return this.buckets.size === 0;
  }

  replaceAll(text: string, replacement: string): string {
    if (this.isEmpty || text.length < PREFIX) return text;
    const parts: string[] = [];
    let copiedUpTo = 0;
    let i = 0;
    while (i <= text.length - PREFIX) {
      const match = this.buckets
        .get(text.slice(i, i + PREFIX))
        ?.find((literal) => text.startsWith(literal, i));
      if (match === undefined) {
        i += 1;
        continue;
      }
      parts.push(text.slice(copiedUpTo, i), replacement);
      i += match.length;
      copiedUpTo = i;
    }
    if (copiedUpTo === 0) return text;
    parts.push(text.slice(copiedUpTo));
    return parts.join('');
  }
}
