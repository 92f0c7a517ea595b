import type { ExperimentKind } from '../../engine/config/schema';
import { EXPERIMENT_LABELS, FIELD_GROUPS, fieldsFor, type FieldSpec } from '../formModel';
import { configPending, labActions, useLab } from '../store';

/** Every field of the current experiment kind, validated by the schema as you type. */
export function ConfigForm() {
  const fieldErrors = useLab((s) => s.fieldErrors);
  const kind = useLab((s) => s.config.experiment);
  const fields = fieldsFor(kind);
  const general = fieldErrors['(config)'];
  return (
    <form
      className="config-form"
      aria-label="Experiment configuration"
      onSubmit={(e) => e.preventDefault()}
      noValidate
    >
      <h2>Configuration</h2>
      <div className="field field-enum">
        <label htmlFor="field-experiment">Experiment</label>
        <select
          id="field-experiment"
          data-testid="field-experiment"
          value={kind}
          onChange={(e) => labActions.setExperiment(e.target.value as ExperimentKind)}
        >
          {Object.entries(EXPERIMENT_LABELS).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {FIELD_GROUPS.map((group) => {
        const inGroup = fields.filter((f) => f.group === group);
        if (!inGroup.length) return null;
        return (
          <fieldset key={group}>
            <legend>{group}</legend>
            {inGroup.map((f) => (
              <Field key={f.name} spec={f} />
            ))}
          </fieldset>
        );
      })}
      {general && (
        <p className="field-error" role="alert">
          {general}
        </p>
      )}
      <PendingNote />
    </form>
  );
}

function Field({ spec }: { spec: FieldSpec }) {
  const value = useLab((s) => s.draft[spec.name] ?? '');
  const relevant = useLab((s) => (spec.relevant ? spec.relevant(s.draft) : true));
  const error = useLab((s) => s.fieldErrors[spec.name]);
  const id = `field-${spec.name}`;
  const describedBy =
    [error ? `${id}-error` : null, spec.hint ? `${id}-hint` : null].filter(Boolean).join(' ') ||
    undefined;
  const common = {
    id,
    name: spec.name,
    'data-testid': id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
  };
  let input;
  if (spec.kind === 'bool') {
    input = (
      <input
        {...common}
        type="checkbox"
        checked={value === '1'}
        onChange={(e) => labActions.editField(spec.name, e.target.checked ? '1' : '0')}
      />
    );
  } else if (spec.kind === 'enum') {
    input = (
      <select
        {...common}
        value={value}
        onChange={(e) => labActions.editField(spec.name, e.target.value)}
      >
        {spec.options?.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else {
    input = (
      <input
        {...common}
        type="text"
        inputMode={spec.kind === 'list' ? 'text' : 'decimal'}
        spellCheck={false}
        autoComplete="off"
        value={value}
        onChange={(e) => labActions.editField(spec.name, e.target.value)}
      />
    );
  }
  return (
    <div
      className={`field field-${spec.kind}${relevant ? '' : ' irrelevant'}${error ? ' invalid' : ''}`}
    >
      <label htmlFor={id}>{spec.label}</label>
      {input}
      {spec.hint && (
        <small id={`${id}-hint`} className="hint">
          {spec.hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="field-error" data-testid={`error-${spec.name}`}>
          {spec.name}: {error}
        </small>
      )}
    </div>
  );
}

function PendingNote() {
  const pending = useLab(
    (s) => s.loadedConfig !== null && (s.status !== 'idle' || s.step > 0) && configPending(s),
  );
  const invalid = useLab((s) => Object.keys(s.fieldErrors).length > 0);
  if (invalid)
    return <p className="form-note warn-text">Fix the highlighted fields to start a run.</p>;
  if (pending)
    return (
      <p className="form-note">The form differs from the current run: Start or Reset applies it.</p>
    );
  return null;
}
