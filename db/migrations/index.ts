/**
 * Every migration, in order. Listed explicitly (not discovered from the folder) so that the
 * same list runs under tsx, vitest and a bundle. File names: timestamp_slug.ts; schema changes and
 * data backfills in separate files.
 */
import type { Knex } from 'knex';
import * as m20261124010000 from './20261124010000_orgs_users_audit';
import * as m20261124020000 from './20261124020000_grid_elements';
import * as m20261124020100 from './20261124020100_residents_list_indexes';
import * as m20261124020110 from './20261124020110_household_no_prefix_index';
import * as m20261124020200 from './20261124020200_element_versions';
import * as m20261124030000 from './20261124030000_wf_engine';
import * as m20261124030100 from './20261124030100_wf_schedules';
import * as m20261124035000 from './20261124035000_tasks';
import * as m20261124040000 from './20261124040000_accounts_security';
import * as m20261124040100 from './20261124040100_roles_permissions_data';
import * as m20261124050000 from './20261124050000_issues';
import * as m20261124050100 from './20261124050100_issue_categories_data';
import * as m20261124050200 from './20261124050200_issue_numbers';
import * as m20261124050300 from './20261124050300_caught_mail';
import * as m20261124060000 from './20261124060000_tags';
import * as m20261124060100 from './20261124060100_tag_permissions_data';
import * as m20261124060200 from './20261124060200_import_logs';
import * as m20261124060300 from './20261124060300_tag_index_tuning';
import * as m20261124060400 from './20261124060400_element_tags_probe_index';
import * as m20261124070000 from './20261124070000_console_files';
import * as m20261124070100 from './20261124070100_workflow_console_permissions_data';

export const migrations: Record<string, Knex.Migration> = {
  '20261124010000_orgs_users_audit': m20261124010000,
  '20261124020000_grid_elements': m20261124020000,
  '20261124020100_residents_list_indexes': m20261124020100,
  '20261124020110_household_no_prefix_index': m20261124020110,
  '20261124020200_element_versions': m20261124020200,
  '20261124030000_wf_engine': m20261124030000,
  '20261124030100_wf_schedules': m20261124030100,
  '20261124035000_tasks': m20261124035000,
  '20261124040000_accounts_security': m20261124040000,
  '20261124040100_roles_permissions_data': m20261124040100,
  '20261124050000_issues': m20261124050000,
  '20261124050100_issue_categories_data': m20261124050100,
  '20261124050200_issue_numbers': m20261124050200,
  '20261124050300_caught_mail': m20261124050300,
  '20261124060000_tags': m20261124060000,
  '20261124060100_tag_permissions_data': m20261124060100,
  '20261124060200_import_logs': m20261124060200,
  '20261124060300_tag_index_tuning': m20261124060300,
  '20261124060400_element_tags_probe_index': m20261124060400,
  '20261124070000_console_files': m20261124070000,
  '20261124070100_workflow_console_permissions_data': m20261124070100,
};
