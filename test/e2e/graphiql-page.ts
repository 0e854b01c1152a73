/** Driving GraphiQL in a page: what the end-to-end tests of the playground share. */
import type { Page } from 'playwright-core';

// What the in-page functions use (they run in Chromium; this program has no DOM types).
export interface PageElement {
  getAttribute(name: string): string | null;
  readonly CodeMirror?: { getValue(): string; setValue(text: string): void };
}
declare const document: { querySelector(selector: string): PageElement | null };

/**
 * Sets GraphiQL's query editor (CodeMirror 5), waits until GraphiQL has parsed it (it does so after a
 * debounce, then names the tab after the operation), and presses the run button.
 */
export async function runInGraphiQL(page: Page, operationName: string, query: string): Promise<void> {
  await page.evaluate((text) => {
    const editor = document.querySelector('.graphiql-query-editor .CodeMirror')?.CodeMirror;
    if (!editor) throw new Error('GraphiQL has no query editor');
    editor.setValue(text);
  }, query);
  await page.locator('.graphiql-tab-active', { hasText: operationName }).waitFor({ timeout: 15_000 });
  await page.click('.graphiql-execute-button');
}

const responsePane = () =>
  document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror?.getValue() ?? '';

/** Waits until GraphiQL's response pane contains `text`, and returns the pane's text. */
export async function responseContains(page: Page, text: string): Promise<string> {
  try {
    await page.waitForFunction(
      (wanted) =>
        (document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror?.getValue() ?? '').includes(
          wanted,
        ),
      text,
      { timeout: 30_000 },
    );
  } catch (err) {
    throw new Error(`GraphiQL never showed ${text}; it shows: ${await page.evaluate(responsePane)}`, {
      cause: err,
    });
  }
  return page.evaluate(responsePane);
}

export async function enterToken(page: Page, token: string): Promise<void> {
  await page.fill('#api-token', token);
  await page.click('button[type=submit]');
}
