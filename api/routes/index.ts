/** Every route module of the API, in one list: find where a request goes from here. */
import type { RouteDef } from '../http';
import { auditRoutes } from './audit';
import { authRoutes } from './auth';
import { buildingRoutes } from './buildings';
import { consoleRoutes } from './console';
import { coverageRoutes } from './coverage';
import { elementRoutes } from './elements';
import { elementExtraRoutes } from './elements-extra';
import { fileRoutes } from './files';
import { gridRoutes } from './grids';
import { healthRoutes } from './health';
import { householdRoutes } from './households';
import { importRoutes } from './imports';
import { inboxRoutes } from './inbox';
import { issueTargetRoutes } from './issue-targets';
import { issueRoutes } from './issues';
import { mailRoutes } from './mail';
import { orgRoutes } from './orgs';
import { residentRoutes } from './residents';
import { tagRoutes } from './tags';
import { taskRoutes } from './tasks';
import { userRoutes } from './users';

export const allRoutes: RouteDef[] = [
  ...healthRoutes,
  ...authRoutes,
  ...orgRoutes,
  ...userRoutes,
  ...auditRoutes,
  ...residentRoutes,
  ...tagRoutes,
  ...coverageRoutes,
  ...gridRoutes,
  ...importRoutes,
  ...elementExtraRoutes,
  ...elementRoutes,
  ...householdRoutes,
  ...buildingRoutes,
  ...taskRoutes,
  ...consoleRoutes,
  ...fileRoutes,
  ...inboxRoutes,
  ...issueRoutes,
  ...issueTargetRoutes,
  ...mailRoutes,
];
