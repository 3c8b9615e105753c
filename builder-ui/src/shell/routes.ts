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

/**
 * Asked before the route changes (a link clicked, the back button, `navigate`): answers true to
 * let it go ahead, or false to stay, and then asks the user itself (the editor with unsaved work).
 */
export type LeaveGuard = (to: Route) => boolean;
let leaveGuard: LeaveGuard | null = null;

/** Installs `guard` until the returned function removes it. One screen is shown, so one guard at a time. */
export function guardLeaving(guard: LeaveGuard): () => void {
  leaveGuard = guard;
  return () => {
    if (leaveGuard === guard) leaveGuard = null;
  };
}

/** Goes to `route` without asking the guard: the user has answered it already. */
export function leaveTo(route: Route): void {
  leaveGuard = null;
  navigate(route);
}

/** The current route, following hash changes that the leave guard lets through. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    let shown = window.location.hash;
    const follow = () => {
      const next = parseHash(window.location.hash);
      if (leaveGuard && window.location.hash !== shown && !leaveGuard(next)) {
        // The back button has moved already: put the screen being left back on top.
        window.history.pushState(null, '', shown || '#/');
        return;
      }
      shown = window.location.hash;
      setRoute(next);
    };
    // A link is stopped before it goes, so the history gets no entry the user did not keep.
    const click = (event: MouseEvent) => {
      if (!leaveGuard || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null;
      const href = link?.getAttribute('href');
      if (!href || href === window.location.hash || link?.getAttribute('target')) return;
      if (!leaveGuard(parseHash(href))) event.preventDefault();
    };
    window.addEventListener('hashchange', follow);
    document.addEventListener('click', click, true);
    return () => {
      window.removeEventListener('hashchange', follow);
      document.removeEventListener('click', click, true);
    };
  }, []);
  return route;
}
