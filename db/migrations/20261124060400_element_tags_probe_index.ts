/**
 * element_tags: the per-element index carries tag_id, so the NOT/AND probes of a tag search
 * (`NOT EXISTS … WHERE element_id = d.element_id AND tag_id = ?`) and the tag list of a result row
 * are index-only instead of visiting the heap for every probed element (measured in bench/tags.ts).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX element_tags_element_tag_idx ON element_tags (element_type, element_id, tag_id)');
  await knex.raw('DROP INDEX IF EXISTS element_tags_element_idx');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX element_tags_element_idx ON element_tags (element_type, element_id)');
  await knex.raw('DROP INDEX IF EXISTS element_tags_element_tag_idx');
}
