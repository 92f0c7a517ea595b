import type { ReactNode } from 'react';

/**
 * A titled panel section; `testId` is what the e2e tests look for. In the dashboard `children`
 * fill the panel's height, their figures sharing what their other content leaves, and `below`
 * (tables, notes) follows under them, reached by scrolling the panel.
 */
export function Panel({
  testId,
  title,
  subtitle,
  actions,
  children,
  below,
  wide,
}: {
  testId: string;
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  below?: ReactNode;
  wide?: boolean;
}) {
  const id = `${testId}-title`;
  return (
    <section
      className={`panel${wide ? ' panel-wide' : ''}`}
      data-testid={testId}
      aria-labelledby={id}
    >
      <header className="panel-head">
        <div>
          <h2 id={id}>{title}</h2>
          {subtitle && <p className="panel-sub">{subtitle}</p>}
        </div>
        {actions && <div className="panel-actions">{actions}</div>}
      </header>
      <div className="panel-body">
        <div className="panel-fill">{children}</div>
        {below}
      </div>
    </section>
  );
}
