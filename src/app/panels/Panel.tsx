import type { ReactNode } from 'react';

/** A titled panel section; `testId` is what the e2e tests look for. */
export function Panel({
  testId,
  title,
  subtitle,
  actions,
  children,
  wide,
}: {
  testId: string;
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
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
      <div className="panel-body">{children}</div>
    </section>
  );
}
