/**
 * Every activity the platform's workflow bundle (workflows/index.ts) may call, built once with its
 * dependencies and registered on the worker of either runtime. A module that adds workflows adds
 * its activity factory here.
 */
import { createIssueActivities, type Mailer } from '../activities/issue';
import { createTagActivities } from '../activities/tags/index';
import { createTasksActivities } from '../activities/tasks';
import type { Db } from '../db/connection';

export interface PlatformActivityDeps {
  db: Db;
  /** The runtime's clock (runtime.now), so deadlines agree with workflow time. */
  now?: () => Date;
  mailer?: Mailer;
}

export function createPlatformActivities({ db, now, mailer }: PlatformActivityDeps) {
  return {
    ...createTasksActivities(db),
    ...createTagActivities(db),
    ...createIssueActivities({ db, now, mailer }),
  };
}
