/** The small city every test file starts from (cloned from the template database). */
import type { Db } from '../connection';

export async function seedTestCity(db: Db): Promise<void> {
  await db('org_units').insert({ code: 'km', name: '克拉玛依市', type: 'city', path: 'km', level: 1 });
}
