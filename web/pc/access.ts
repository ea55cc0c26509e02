/**
 * Capability flags, derived in one place from the user's permissions: components ask
 * `access.canUnmask`, never "is this user a 网格长".
 */
import type { Me } from '../shared/auth';

export interface Access {
  canUnmask: boolean;
  canViewResidents: boolean;
  canViewHouseholds: boolean;
  canViewBuildings: boolean;
}

export function accessFor(me: Me | null): Access {
  const p = new Set(me?.permissions ?? []);
  // Before the element permissions exist on an account, a logged-in user still sees the lists of
  // their own scope (the server enforces both permission and scope on every request).
  const can = (code: string) => p.has(code) || p.has('*');
  const anyElement = [...p].some((x) => /^(element|resident|household|building)s?\./.test(x));
  return {
    canUnmask: can('pii.unmask'),
    canViewResidents: !anyElement || can('resident.read') || can('residents.read') || can('element.read'),
    canViewHouseholds: !anyElement || can('household.read') || can('households.read') || can('element.read'),
    canViewBuildings: !anyElement || can('building.read') || can('buildings.read') || can('element.read'),
  };
}
