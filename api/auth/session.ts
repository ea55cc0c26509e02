/** Session → Actor. The full login/session implementation lives beside this file. */
import type { ActorResolver } from '../http';

export function createActorResolver(): ActorResolver {
  return async () => null;
}
