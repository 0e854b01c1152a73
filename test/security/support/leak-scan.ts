import { secretForms } from '../../../src/security/secret-forms.js';

export interface Leak {
  /** Index of the secret in the list given, so the report never prints the secret itself. */
  readonly secretIndex: number;
  /** Which form was found: raw, URL-encoded, JSON-escaped or one of the base64 forms. */
  readonly formIndex: number;
  /** Where: the caller's label for the captured text (a response, a log file, a table). */
  readonly where: string;
}

/**
 * For the global leak test (issue 7): seed recognisable secrets, capture responses, logs, events
 * and database rows, then call this on each capture. Looks for every form the redactor hides.
 */
export function findLeaks(captures: Readonly<Record<string, string>>, secrets: readonly string[]): Leak[] {
  const formsBySecret = secrets.map((secret) => secretForms(secret));
  return Object.entries(captures).flatMap(([where, text]) =>
    formsBySecret.flatMap((forms, secretIndex) => {
      const formIndex = forms.findIndex((form) => text.includes(form));
      return formIndex === -1 ? [] : [{ secretIndex, formIndex, where }];
    }),
  );
}
