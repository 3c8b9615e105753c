/**
 * Which screens each role sees. Sales works its queue and looks up leads; marketing draws models;
 * reviewers read models and review thresholds; admin sees everything; ingest keys have no screens.
 * Screens not built yet keep their slot here with `built: false` and stay out of the menu.
 */
import type { Role } from '../api/client';
import type { Route, ScreenId } from './routes';

export interface NavEntry {
  screen: Exclude<ScreenId, 'home' | 'not-found' | 'editor' | 'simulate'>;
  label: string;
  roles: readonly Role[];
  built: boolean;
}

export const NAVIGATION: readonly NavEntry[] = [
  { screen: 'queue', label: 'Sales queue', roles: ['admin', 'sales'], built: true },
  { screen: 'models', label: 'Models', roles: ['admin', 'marketing', 'reviewer'], built: true },
  { screen: 'calibration', label: 'Calibration', roles: ['admin', 'marketing'], built: true },
  { screen: 'review', label: 'Threshold review', roles: ['admin', 'marketing', 'reviewer'], built: true },
  { screen: 'leads', label: 'Leads', roles: ['admin', 'marketing', 'reviewer', 'sales'], built: true },
  { screen: 'dashboard', label: 'Dashboard', roles: ['admin', 'marketing', 'reviewer'], built: true },
];

/** Roles that may change models (the API's permissions agree: reviewers only read them). */
export const MODEL_EDITORS: readonly Role[] = ['admin', 'marketing'];

const ROLES_BY_SCREEN: Record<Exclude<ScreenId, 'home' | 'not-found'>, readonly Role[]> = {
  ...(Object.fromEntries(NAVIGATION.map((entry) => [entry.screen, entry.roles])) as Record<NavEntry['screen'], readonly Role[]>),
  editor: ['admin', 'marketing', 'reviewer'],
  simulate: MODEL_EDITORS,
};

/** The menu for `role`: screens that exist and that the role may open. */
export function menuFor(role: Role): NavEntry[] {
  return NAVIGATION.filter((entry) => entry.built && entry.roles.includes(role));
}

export function mayOpen(route: Route, role: Role): boolean {
  if (route.screen === 'home' || route.screen === 'not-found') return true;
  return ROLES_BY_SCREEN[route.screen].includes(role);
}
