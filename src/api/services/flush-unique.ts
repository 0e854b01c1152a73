/** Flushing a named entity: the unique index on its name becomes a CONFLICT on `input.name`. */
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { conflict } from '../../domain/errors.js';

/** `what` names the entity for the message: "a fabric", "a repository". */
export async function flushUniqueName(em: EntityManager, what: string, name: string): Promise<void> {
  try {
    await em.flush();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException)
      throw conflict(`${what} named "${name}" already exists`, { field: 'input.name' });
    throw err;
  }
}
