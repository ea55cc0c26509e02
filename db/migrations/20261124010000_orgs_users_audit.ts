/**
 * Foundation schema: extensions, the five-level org tree with departments beside it, accounts,
 * roles and permissions, sessions and the hash-chained audit log.
 * Owner modules: db/queries/orgs.ts (org_units), db/queries/accounts.ts (users, roles, sessions),
 * db/audit.ts (audit_log).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS postgis');
  await knex.raw('CREATE EXTENSION IF NOT EXISTS ltree');

  // 组织机构: city → district → street → community → grid; departments (职能部门) beside the tree.
  await knex.schema.createTable('org_units', (t) => {
    t.increments('id').primary();
    t.string('code', 32).notNullable().unique(); // grid codes are unique city-wide by this constraint
    t.string('name', 100).notNullable();
    t.string('type', 16).notNullable(); // city | district | street | community | grid | department
    t.string('grid_type', 16); // basic (基础网格) | exclusive (专属网格); grids only
    t.integer('parent_id').references('org_units.id');
    t.specificType('path', 'ltree').notNullable().unique();
    t.integer('level').notNullable(); // 1 city … 5 grid; departments carry the level they sit at
    t.integer('sort').notNullable().defaultTo(0);
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamps(true, true);
  });
  await knex.raw(`ALTER TABLE org_units ADD COLUMN geom geometry(MultiPolygon, 4326)`);
  await knex.raw(
    `ALTER TABLE org_units ADD CONSTRAINT org_units_type_chk CHECK (type IN ('city','district','street','community','grid','department'))`,
  );
  await knex.raw('CREATE INDEX org_units_path_gist ON org_units USING gist (path)');
  await knex.raw('CREATE INDEX org_units_geom_gist ON org_units USING gist (geom)');
  await knex.raw('CREATE INDEX org_units_parent_idx ON org_units (parent_id)');

  await knex.schema.createTable('roles', (t) => {
    t.string('code', 32).primary();
    t.string('name', 50).notNullable();
    t.string('description', 200);
    // Separation of duties (等保三级): an account may hold at most one role of a nonzero group.
    t.string('duty_group', 16); // sys_admin | sec_admin | auditor, or null
  });
  await knex.schema.createTable('permissions', (t) => {
    t.string('code', 64).primary();
    t.string('name', 100).notNullable();
  });
  await knex.schema.createTable('role_permissions', (t) => {
    t.string('role_code', 32).notNullable().references('roles.code').onDelete('CASCADE');
    t.string('permission_code', 64).notNullable().references('permissions.code').onDelete('CASCADE');
    t.primary(['role_code', 'permission_code']);
  });

  await knex.schema.createTable('users', (t) => {
    t.increments('id').primary();
    t.string('username', 50).notNullable().unique();
    t.string('display_name', 50).notNullable();
    t.string('password_hash', 255).notNullable(); // scrypt, see api/auth/passwords.ts
    t.boolean('must_change_password').notNullable().defaultTo(true);
    t.timestamp('password_changed_at', { useTz: true });
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.timestamp('locked_until', { useTz: true });
    t.integer('org_id').notNullable().references('org_units.id');
    t.specificType('org_path', 'ltree').notNullable(); // denormalised from org_units for scope checks
    t.binary('phone_enc'); // SM4, db/sensitive.ts
    t.string('phone_idx', 64); // HMAC-SM3 blind index
    t.string('email', 100);
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('last_login_at', { useTz: true });
    t.timestamps(true, true);
  });
  await knex.raw('CREATE INDEX users_org_path_gist ON users USING gist (org_path)');

  await knex.schema.createTable('user_roles', (t) => {
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('role_code', 32).notNullable().references('roles.code');
    t.primary(['user_id', 'role_code']);
  });
  // Explicit grants of data scope beyond the user's own org (departments reading a district, …).
  await knex.schema.createTable('user_scope_grants', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.specificType('org_path', 'ltree').notNullable();
    t.boolean('can_write').notNullable().defaultTo(false);
    t.unique(['user_id', 'org_path']);
  });

  await knex.schema.createTable('sessions', (t) => {
    t.string('id', 64).primary(); // SHA-256 of the cookie token; the token itself is never stored
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_seen_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.string('ip', 64);
    t.string('user_agent', 300);
  });
  await knex.raw('CREATE INDEX sessions_user_idx ON sessions (user_id)');

  // 审计日志: append-only; each row's hash = HMAC-SM3(key, prev_hash || canonical row).
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('user_id');
    t.string('username', 50);
    t.string('action', 64).notNullable(); // login, login_failed, unmask, create, update, delete …
    t.string('object_type', 64);
    t.string('object_id', 64);
    t.specificType('org_path', 'ltree');
    t.string('ip', 64);
    t.jsonb('detail');
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
  });
  await knex.raw('CREATE INDEX audit_log_at_idx ON audit_log (at)');
  // Append-only at the database level: updates and deletes are refused.
  await knex.raw(`
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
  `);
  await knex.raw(
    `CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
  );
}

export async function down(knex: Knex): Promise<void> {
  for (const t of [
    'audit_log',
    'sessions',
    'user_scope_grants',
    'user_roles',
    'users',
    'role_permissions',
    'permissions',
    'roles',
    'org_units',
  ]) {
    await knex.schema.dropTableIfExists(t);
  }
  await knex.raw('DROP FUNCTION IF EXISTS audit_log_append_only()');
}
