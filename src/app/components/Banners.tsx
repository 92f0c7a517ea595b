import { labActions, useLab } from '../store';

/** The URL's config problems (the link's good fields are kept) and runtime errors. */
export function Banners() {
  const issues = useLab((s) => s.urlIssues);
  const errors = useLab((s) => s.errors);
  return (
    <>
      {issues && (
        <div className="banner banner-error" role="alert" data-testid="config-error">
          <strong>
            Part of the link could not be used. Its other fields were kept; fix the fields below
            (marked in the form) to run it.
          </strong>
          <ul>
            {issues.map((i, n) => (
              <li key={n}>
                <code>{i.field}</code>: {i.message}
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="link"
            onClick={() => useLab.setState({ urlIssues: null })}
          >
            dismiss
          </button>
        </div>
      )}
      {errors.map((e) => (
        <div key={e.id} className="banner banner-error" role="alert" data-testid="lab-error">
          {e.text}{' '}
          <button type="button" className="link" onClick={() => labActions.dismissError(e.id)}>
            dismiss
          </button>
        </div>
      ))}
    </>
  );
}
