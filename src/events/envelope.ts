/**
 * Envelopes are built from the payload's JSON text on both buses, so subscribers see the same plain
 * data in-process as across Redis (no Dates, no undefined fields), and frozen, because all local
 * subscribers of a scope share one envelope.
 */
import type { Envelope, TopicName, Topics } from './topics.js';

const deepFreeze = <V>(value: V): V => {
  if (value !== null && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
};

export const envelopeFromJson = <T extends TopicName>(
  topic: T,
  scopeId: string,
  id: number,
  payloadJson: string,
): Envelope<T> =>
  deepFreeze({ id: String(id), topic, scopeId, payload: JSON.parse(payloadJson) as Topics[T] });
