import type { ReactNode } from 'react';

/** A message block: errors interrupt screen readers (role alert), the rest is polite. */
export function Notice({
  tone,
  children,
  action,
}: {
  tone: 'error' | 'info' | 'success' | 'warning';
  children: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="notice-body">{children}</div>
      {action ? <div className="notice-action">{action}</div> : null}
    </div>
  );
}

/** What to show when a list has nothing in it. */
export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="empty-state">{children}</p>;
}
