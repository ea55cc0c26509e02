/** Vitest global setup: build the template database this run's test files clone. */
import type { TestProject } from 'vitest/node';
import { openDb } from '../connection';
import { migrateLatest } from '../migrate';
import { seedTestCity } from '../seed/test-city';
import { adminDb, newTemplateName, urlFor } from './server';

/** Databases of runs that died more than six hours ago are dropped; a live parallel run is left alone. */
const STALE_AFTER_S = 6 * 3600;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const template = newTemplateName();
  const admin = adminDb();
  const rows = await admin.raw(`SELECT datname FROM pg_database WHERE datname ~ '^gov_(t|tpl)_[0-9]+_'`);
  const now = Math.floor(Date.now() / 1000);
  for (const { datname } of rows.rows as { datname: string }[]) {
    const born = Number(datname.split('_')[2]);
    if (now - born > STALE_AFTER_S) await admin.raw(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  }
  await admin.raw(`CREATE DATABASE ${template}`);
  await admin.destroy();

  const db = await openDb({ url: urlFor(template), poolMax: 2 });
  try {
    await migrateLatest(db);
    await seedTestCity(db);
  } finally {
    await db.destroy();
  }
  project.provide('templateDb', template);
  return async () => {
    const a = adminDb();
    await a.raw(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await a.destroy();
  };
}
