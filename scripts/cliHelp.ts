/**
 * `--help` for the command-line scripts: their usage text, and (`--help fields` or `--fields`)
 * every config field with its kind, default, limits and hint, built from the engine's field table.
 */
import { fieldDocs, fieldText, limitsText } from '../src/engine/config/fields';
import { DEFAULT_CONFIGS, type ExperimentKind } from '../src/engine/config/schema';

export type HelpRequest = 'usage' | 'fields' | null;

/** What the arguments ask for: `--help` / `-h` the usage, `--help fields` or `--fields` the fields. */
export function helpRequest(args: readonly string[]): HelpRequest {
  if (args.includes('--fields')) return 'fields';
  const at = args.findIndex((a) => a === '--help' || a === '-h');
  if (at < 0) return null;
  return args[at + 1] === 'fields' ? 'fields' : 'usage';
}

const KIND_TITLES: Record<ExperimentKind, string> = {
  ufm: 'experiment=ufm (unconstrained features)',
  net: 'experiment=net (a network on a dataset)',
};

/** Every config field of both experiment kinds, one paragraph each. */
export function fieldsHelp(): string {
  const out = [
    'Config fields (in a config JSON, a share URL or query: name=value; lists 1,2,3; booleans 1/0).',
  ];
  for (const kind of ['ufm', 'net'] as const) {
    out.push('', KIND_TITLES[kind]);
    const defaults = DEFAULT_CONFIGS[kind] as unknown as Record<string, unknown>;
    for (const f of fieldDocs(kind)) {
      const value = fieldText(defaults[f.name]);
      const limits = limitsText(f);
      const head = [
        `  ${f.name}`,
        f.kind,
        `default ${value === '' ? '(empty)' : value}`,
        ...(limits ? [limits] : []),
        ...(f.unit ? [`in ${f.unit}`] : []),
      ].join('  ');
      const about = [f.label, f.hint, f.note, f.appliesWhen && `applies when ${f.appliesWhen.text}`]
        .filter(Boolean)
        .join('; ');
      out.push(head, `      ${about}`);
    }
  }
  return out.join('\n') + '\n';
}

/**
 * Prints the help the arguments ask for and returns true (the script then exits 0), or returns
 * false when they ask for none.
 */
export function printHelpIfAsked(args: readonly string[], usage: string): boolean {
  const request = helpRequest(args);
  if (request === null) return false;
  process.stdout.write(request === 'fields' ? fieldsHelp() : usage.trimStart());
  return true;
}

/**
 * Node's "Unknown option '--lr'" for a config field given as a flag, with where it goes instead
 * (a newcomer's first try is `npm run experiment -- --preset tiny-check`). Other messages are
 * returned as they are.
 */
export function unknownOptionHint(message: string): string {
  const name = /^Unknown option '--([\w-]+)'/.exec(message)?.[1];
  const fields = new Set(['preset', ...(['ufm', 'net'] as const).flatMap(fieldNames)]);
  if (!name || !fields.has(name)) return message;
  const example = name === 'preset' ? 'preset=tiny-check&steps=300' : `preset=tiny-check&${name}=…`;
  return `${message}: ${name} is a config field, given in --config (a JSON file, a share URL or a query: --config '${example}'); --help fields lists the fields`;
}

const fieldNames = (kind: ExperimentKind): string[] => fieldDocs(kind).map((f) => f.name);
