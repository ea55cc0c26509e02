/** Every route module of the API, in one list: find where a request goes from here. */
import type { RouteDef } from '../http';
import { healthRoutes } from './health';

export const allRoutes: RouteDef[] = [...healthRoutes];
