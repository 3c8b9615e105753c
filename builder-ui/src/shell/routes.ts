/**
 * Screens are addressed by the URL's hash (`#/models/b2b`), so the UI works from any static
 * server and the back button moves between screens.
 */
import { useEffect, useState } from 'react';

export type Route =
  | { screen: 'home' }
  | { screen: 'models' }
  | { screen: 'editor'; modelId: string }
  | { screen: 'simulate'; modelId: string }
  | { screen: 'queue' }
  | { screen: 'review' }
  | { screen: 'leads'; leadId?: string }
  | { screen: 'dashboard' }
  | { screen: 'calibration'; calibrationId?: string }
  | { screen: 'not-found'; path: string };

export type ScreenId = Route['screen'];

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '') || '/';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third] = parts;
  if (parts.length === 0) return { screen: 'home' };
  if (first === 'models' && parts.length === 1) return { screen: 'models' };
  if (first === 'models' && second && parts.length === 2) return { screen: 'editor', modelId: second };
  if (first === 'models' && second && third === 'simulate' && parts.length === 3) return { screen: 'simulate', modelId: second };
  if ((first === 'queue' || first === 'review' || first === 'dashboard') && parts.length === 1) return { screen: first };
  if (first === 'leads' && parts.length <= 2) return second ? { screen: 'leads', leadId: second } : { screen: 'leads' };
  if (first === 'calibration' && parts.length <= 2) return second ? { screen: 'calibration', calibrationId: second } : { screen: 'calibration' };
  return { screen: 'not-found', path };
}

export function hrefOf(route: Route): string {
  switch (route.screen) {
    case 'home':
      return '#/';
    case 'editor':
      return `#/models/${encodeURIComponent(route.modelId)}`;
    case 'simulate':
      return `#/models/${encodeURIComponent(route.modelId)}/simulate`;
    case 'leads':
      return route.leadId ? `#/leads/${encodeURIComponent(route.leadId)}` : '#/leads';
    case 'calibration':
      return route.calibrationId ? `#/calibration/${encodeURIComponent(route.calibrationId)}` : '#/calibration';
    case 'not-found':
      return `#${route.path}`;
    default:
      return `#/${route.screen}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = hrefOf(route);
}

/** The current route, following hash changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const follow = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return route;
}
