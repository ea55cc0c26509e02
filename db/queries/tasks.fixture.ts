/** Test fixture for the task tests: a two-grid community, its workers and actors. */
import type { Db } from '../connection';
import type { Actor } from '../scope';

export interface TaskWorld {
  grid1: string;
  grid2: string;
  community: string;
  worker1: Actor;
  worker1b: Actor;
  worker2: Actor;
  leader: Actor;
}

async function org(
  db: Db,
  code: string,
  name: string,
  type: string,
  path: string,
  level: number,
  parentId: number | null,
): Promise<number> {
  const [r] = await db('org_units').insert({ code, name, type, path, level, parent_id: parentId }).returning('id');
  return Number(r.id);
}

async function user(db: Db, username: string, displayName: string, orgId: number, orgPath: string, roles: string[]): Promise<Actor> {
  const [r] = await db('users')
    .insert({ username, display_name: displayName, password_hash: 'x', org_id: orgId, org_path: orgPath, must_change_password: false })
    .returning('id');
  return {
    userId: Number(r.id),
    username,
    orgId,
    orgPath,
    roles,
    permissions: new Set(['task.read', 'task.handle']),
    grants: [],
  };
}

export async function seedTaskWorld(db: Db, prefix = 't'): Promise<TaskWorld> {
  const km = await db('org_units').where({ path: 'km' }).first();
  const d = await org(db, `${prefix}d`, '白碱滩区', 'district', `km.${prefix}d`, 2, km.id);
  const s = await org(db, `${prefix}s`, '三平街道', 'street', `km.${prefix}d.s1`, 3, d);
  const c = await org(db, `${prefix}c`, '平安社区', 'community', `km.${prefix}d.s1.c1`, 4, s);
  const community = `km.${prefix}d.s1.c1`;
  const g1 = await org(db, `${prefix}g1`, '第一网格', 'grid', `${community}.g1`, 5, c);
  const g2 = await org(db, `${prefix}g2`, '第二网格', 'grid', `${community}.g2`, 5, c);
  return {
    grid1: `${community}.g1`,
    grid2: `${community}.g2`,
    community,
    worker1: await user(db, `${prefix}w1`, '李网格', g1, `${community}.g1`, ['grid_worker']),
    worker1b: await user(db, `${prefix}w1b`, '王网格', g1, `${community}.g1`, ['grid_worker']),
    worker2: await user(db, `${prefix}w2`, '赵网格', g2, `${community}.g2`, ['grid_worker']),
    leader: await user(db, `${prefix}ld`, '周书记', c, community, ['community_admin']),
  };
}
