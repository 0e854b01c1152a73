/**
 * The ways a secret shows up in text besides itself: URL-encoded (clone URLs, query strings),
 * JSON-escaped (a PEM key's new lines inside logged JSON), and base64 (HTTP Basic headers,
 * Kubernetes Secret data, git's `http.extraHeader`).
 *
 * Base64 inside a longer encoding (e.g. `base64("user:" + password)`) depends on where the secret
 * starts within a 3-byte group, so for each of the three alignments we keep only the characters
 * fully determined by the secret's own bytes: those appear verbatim in any base64 text that
 * contains the secret at that alignment.
 */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  for (const alphabet of ['base64', 'base64url'] as const) {
    const whole = bytes.toString(alphabet);
    forms.add(whole);
    forms.add(whole.replace(/=+$/, ''));
    for (const offset of [0, 1, 2]) forms.add(alignedCore(bytes, offset, alphabet));
  }
  return [...forms];
}

/** The base64 characters that depend only on `bytes` when `offset` unknown bytes precede them. */
function alignedCore(bytes: Buffer, offset: number, alphabet: 'base64' | 'base64url'): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString(alphabet);
  const totalBits = (offset + bytes.length) * 8;
  const first = Math.ceil((offset * 8) / 6); // first character with no bit from the unknown prefix
  const end = Math.floor(totalBits / 6); // characters after this mix in bits of whatever follows
  return encoded.slice(first, end);
}
