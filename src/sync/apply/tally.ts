/**
 * Turns apply change sets into what is stored: per record APPLIED (with live facts) or ERROR (with
 * the API's message, redacted: it may echo the request's token), the operation's error list (which
 * the runner redacts), and counts per action. A failure that concerns the whole cluster
 * (unreachable, token refused) leaves the record untouched and is one error, not one per object.
 */
import type { ChangeSetEntry, ClusterError } from '../../cluster/index.js';
import { transitionRecord } from '../../domain/states.js';
import type { Redactor } from '../../security/redactor.js';
import type { OperationErrorEntry } from '../../store/entities/index.js';
import { liveFactsOf, type DesiredObject, type Observation } from '../../store/live-state-store.js';

export const errorEntry = (error: ClusterError): OperationErrorEntry => {
  const field = error.failure.causes.find((c) => c.field)?.field;
  return {
    message: error.message,
    ...(error.ref ? { kind: error.ref.kind, name: error.ref.name } : {}),
    ...(field ? { field } : {}),
  };
};

/** Every other object would fail the same way: the server is unreachable, untrusted or refuses the token. */
const isClusterWide = ({ failure }: ClusterError): boolean =>
  failure.connection === 'UNREACHABLE' ||
  failure.connection === 'UNAUTHORIZED' ||
  failure.reason === 'TlsUntrusted';

export class ApplyTally {
  readonly observations: Observation[] = [];
  readonly errors: OperationErrorEntry[] = [];
  readonly counts: Record<string, number> = { created: 0, configured: 0, unchanged: 0, failed: 0 };
  /** The first failure that is the cluster's, not an object's. */
  connectionFailure: ClusterError | undefined;

  constructor(private readonly redactor: Pick<Redactor, 'redact'>) {}

  add(record: DesiredObject, entry: ChangeSetEntry): void {
    const { error, object } = entry;
    if (error) {
      this.counts['failed']! += 1;
      if (isClusterWide(error)) this.connectionFailure ??= error;
      else {
        this.errors.push(errorEntry(error));
        this.observe(record, { id: record.id, state: 'ERROR', message: this.redactor.redact(error.message) });
      }
      return;
    }
    const key = entry.action.toLowerCase();
    this.counts[key] = (this.counts[key] ?? 0) + 1;
    if (object)
      this.observe(record, { id: record.id, state: 'APPLIED', message: null, live: liveFactsOf(object) });
  }

  private observe(record: DesiredObject, observation: Observation): void {
    transitionRecord(record.state, observation.state); // an illegal move is a bug: throw before storing
    this.observations.push(observation);
  }
}
