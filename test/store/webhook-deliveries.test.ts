/** The delivery memory every replica shares: a delivery id counts once per repository, for 24 hours. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepository } from '../../src/store/entities/index.js';
import { DELIVERY_MEMORY_MS, forgetDelivery, rememberDelivery } from '../../src/store/webhook-deliveries.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let db: TestDatabase;
let repositoryIds: string[];
beforeAll(async () => {
  db = await createTestDatabase();
  const em = db.orm.em.fork();
  repositoryIds = ['one', 'two'].map((name) => {
    const repository = Object.assign(new GitRepository(), {
      id: randomUUID(),
      name,
      url: `https://git.example/${name}.git`,
    });
    em.persist(repository);
    return repository.id;
  });
  await em.flush();
});
afterAll(async () => db?.close());

const remember = (repositoryId: string, deliveryId: string, now?: Date) =>
  rememberDelivery(db.orm.em.fork(), { repositoryId, deliveryId }, now);

describe('rememberDelivery', () => {
  it('says a delivery is new once, per repository', async () => {
    const [one, two] = repositoryIds as [string, string];
    expect(await remember(one, 'd-1')).toBe(true);
    expect(await remember(one, 'd-1')).toBe(false);
    expect(await remember(two, 'd-1')).toBe(true);
  });

  it('takes a delivery for new again once the window has passed', async () => {
    const [one] = repositoryIds as [string];
    const then = new Date(Date.now() - DELIVERY_MEMORY_MS - 1000);
    expect(await remember(one, 'd-old', then)).toBe(true);
    expect(await remember(one, 'd-old')).toBe(true);
  });

  it('takes a forgotten delivery for new: the retry of one whose handling failed', async () => {
    const [one] = repositoryIds as [string];
    expect(await remember(one, 'd-failed')).toBe(true);
    await forgetDelivery(db.orm.em.fork(), { repositoryId: one, deliveryId: 'd-failed' });
    expect(await remember(one, 'd-failed')).toBe(true);
  });
});
