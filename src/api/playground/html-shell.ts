/** The small HTML documents that load a bundled script; every value placed in them is escaped. */
export interface ShellOptions {
  readonly title: string;
  readonly scriptPath: string;
  readonly stylePaths?: readonly string[];
  /** Inline CSS for the page's own few rules (allowed by the CSP's style-src). */
  readonly inlineStyle?: string;
  /** Passed to the script as `document.body.dataset`. */
  readonly data?: Readonly<Record<string, string>>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const dataAttribute = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export function htmlShell({
  title,
  scriptPath,
  stylePaths = [],
  inlineStyle = '',
  data = {},
}: ShellOptions): string {
  const links = stylePaths.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('\n');
  const attributes = Object.entries(data)
    .map(([key, value]) => ` data-${dataAttribute(key)}="${escapeHtml(value)}"`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${links}
<style>${inlineStyle}</style>
</head>
<body${attributes}>
<div id="root">Loading…</div>
<noscript>This page needs JavaScript.</noscript>
<script src="${escapeHtml(scriptPath)}" defer></script>
</body>
</html>
`;
}
