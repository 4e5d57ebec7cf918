// A tiny history-API router for the portal: paths under /staff/, no library.
import { useEffect, useState } from 'react';

const BASE = '/staff';

function currentPath(): string {
  const path = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : '/';
  return path === '' ? '/' : path;
}

const listeners = new Set<() => void>();

/** Asked before leaving the current screen; false keeps it (a screen with unsaved edits sets one). */
let leaveGuard: (() => boolean) | null = null;
let shownUrl = typeof window === 'undefined' ? '' : window.location.href;

/** Installs the check made before in-app navigation leaves this screen; returns its removal. */
export function guardLeaving(canLeave: () => boolean): () => void {
  leaveGuard = canLeave;
  return () => {
    if (leaveGuard === canLeave) leaveGuard = null;
  };
}

/** Goes to `path` (relative to /staff) and re-renders every `usePath` user. */
export function navigate(path: string, { replace = false } = {}): void {
  const url = `${BASE}${path}`;
  // A replace keeps the screen (a new rule getting its id); only a move elsewhere asks first.
  if (!replace && leaveGuard && !leaveGuard()) return;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  shownUrl = window.location.href;
  for (const listener of listeners) listener();
}

/** The current path under /staff, e.g. `/rules/65f…`. */
export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    const onPopState = () => {
      // Back and forward have already moved the address: put it back when the screen must stay.
      if (leaveGuard && !leaveGuard()) {
        window.history.pushState(null, '', shownUrl);
        return;
      }
      shownUrl = window.location.href;
      update();
    };
    listeners.add(update);
    window.addEventListener('popstate', onPopState);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', onPopState);
    };
  }, []);
  return path;
}

/** Matches `/rules/:id` against a path; returns the params or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const patternParts = pattern.split('/').filter(Boolean);
  const pathParts = path.split('/').filter(Boolean);
  if (patternParts.length !== pathParts.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of patternParts.entries()) {
    const actual = pathParts[index] ?? '';
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(actual);
    else if (part !== actual) return null;
  }
  return params;
}
