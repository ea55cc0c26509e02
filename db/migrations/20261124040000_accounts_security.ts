/**
 * Accounts and security baseline (N-5), schema part: separation of duties enforced by the database
 * (三员分立: no account holds two of sys_admin / sec_admin / auditor), indexes for session expiry and
 * audit look-ups. The role catalogue itself is data: 20261124040100_roles_permissions_data.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // AFTER trigger + lock on the user row: two concurrent grants to one user are serialised, and the
  // second one counts the first (each statement in plpgsql sees the newest committed rows).
  await knex.raw(`
    CREATE FUNCTION user_roles_duty_check() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE n integer;
    BEGIN
      PERFORM 1 FROM users WHERE id = NEW.user_id FOR UPDATE;
      SELECT count(DISTINCT r.duty_group) INTO n
        FROM user_roles ur JOIN roles r ON r.code = ur.role_code
       WHERE ur.user_id = NEW.user_id AND r.duty_group IS NOT NULL;
      IF n > 1 THEN
        RAISE EXCEPTION 'separation of duties: user % would hold two of sys_admin/sec_admin/auditor', NEW.user_id
          USING ERRCODE = 'check_violation', CONSTRAINT = 'user_roles_duty_separation';
      END IF;
      RETURN NULL;
    END $$;
  `);
  await knex.raw(
    `CREATE TRIGGER user_roles_duty_separation AFTER INSERT OR UPDATE ON user_roles FOR EACH ROW EXECUTE FUNCTION user_roles_duty_check()`,
  );
  await knex.raw('CREATE INDEX sessions_last_seen_idx ON sessions (last_seen_at)');
  await knex.raw('CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id)');
  await knex.raw('CREATE INDEX audit_log_user_idx ON audit_log (user_id, at)');
  await knex.raw('CREATE UNIQUE INDEX users_username_lower_idx ON users (lower(username))');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS users_username_lower_idx');
  await knex.raw('DROP INDEX IF EXISTS audit_log_user_idx');
  await knex.raw('DROP INDEX IF EXISTS audit_log_object_idx');
  await knex.raw('DROP INDEX IF EXISTS sessions_last_seen_idx');
  await knex.raw('DROP TRIGGER IF EXISTS user_roles_duty_separation ON user_roles');
  await knex.raw('DROP FUNCTION IF EXISTS user_roles_duty_check()');
}
