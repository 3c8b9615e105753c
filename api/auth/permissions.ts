/**
 * Which roles may call which route: the contract's table (api/contracts), one entry per
 * operation. A route no operation declares is denied to everyone but admin. `public` routes need
 * no key.
 */
import { PERMISSIONS, type Grant, type Role } from '../contracts';

/** The grant of a route, or undefined when nobody decided (then only admin may call it). */
export function grantOf(method: string, path: string): Grant | undefined {
  return PERMISSIONS[`${method.toUpperCase()} ${path}`];
}

/** Whether `role` may call the route `method path`. */
export function allows(role: Role, method: string, path: string): boolean {
  const grant = grantOf(method, path);
  if (grant === 'public' || role === 'admin') return true;
  return grant !== undefined && (grant as readonly string[]).includes(role);
}
