/** Vitest global setup: build the template database every test file clones. */
import { openDb } from '../connection';
import { migrateLatest } from '../migrate';
import { seedTestCity } from '../seed/test-city';
import { adminDb, TEMPLATE_DB, urlFor } from './server';

export default async function setup(): Promise<() => Promise<void>> {
  const admin = adminDb();
  // Leftovers of an interrupted run would fill the server over time.
  const stale = await admin.raw(`SELECT datname FROM pg_database WHERE datname LIKE 'gov_t\\_%' OR datname = ?`, [TEMPLATE_DB]);
  for (const row of stale.rows as { datname: string }[]) {
    await admin.raw(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
  }
  await admin.raw(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.destroy();

  const db = await openDb({ url: urlFor(TEMPLATE_DB), poolMax: 2 });
  try {
    await migrateLatest(db);
    await seedTestCity(db);
  } finally {
    await db.destroy();
  }
  return async () => {
    const a = adminDb();
    await a.raw(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await a.destroy();
  };
}
