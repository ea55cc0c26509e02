/** The small city every test file starts from (cloned from the template database). */
import type { Db } from '../connection';
import { type GenerateResult, generateCity } from './generate';

export const TEST_CITY_SEED = 7;

export async function seedTestCity(db: Db): Promise<GenerateResult> {
  return generateCity(db, { size: 'test', seed: TEST_CITY_SEED });
}
