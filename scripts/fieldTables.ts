/**
 * Writes the config field tables of README.md's Configuration section from the engine's field
 * table and the zod schema (`npm run docs:fields`): everything between
 * `<!-- fields:<kind>:start -->` and `<!-- fields:<kind>:end -->` is replaced. A test fails when
 * the README differs from what this writes, so the tables cannot go stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { fieldDocs, fieldText, limitsText, type FieldDoc } from '../src/engine/config/fields';
import { DEFAULT_CONFIGS, type ExperimentKind } from '../src/engine/config/schema';

export const README_PATH = fileURLToPath(new URL('../README.md', import.meta.url));
const KINDS: readonly ExperimentKind[] = ['ufm', 'net'];

/** A table cell: pipes escaped, so option lists cannot split the row. */
const cell = (text: string) => text.replaceAll('|', '\\|');

function defaultText(doc: FieldDoc, value: unknown): string {
  if (doc.kind === 'bool') return value ? 'on' : 'off';
  const text = fieldText(value);
  if (text === '') return 'empty';
  return doc.kind === 'enum' ? `\`${text}\`` : text;
}

function limitsCell(doc: FieldDoc): string {
  if (doc.kind === 'enum') return (doc.options ?? []).map((o) => `\`${o}\``).join(', ');
  return limitsText(doc);
}

/** The markdown table of one experiment kind's fields, in the form's order. */
export function fieldTable(kind: ExperimentKind): string {
  const defaults = DEFAULT_CONFIGS[kind] as unknown as Record<string, unknown>;
  const rows = fieldDocs(kind).map((f) => {
    const meaning = [f.label, f.hint, f.note].filter(Boolean).join('; ');
    return [
      `\`${f.name}\``,
      meaning,
      f.kind + (f.unit ? ` (${f.unit})` : ''),
      defaultText(f, defaults[f.name]),
      limitsCell(f),
      f.appliesWhen?.text ?? '',
    ].map(cell);
  });
  const head = ['field', 'meaning', 'kind', 'default', 'limits', 'applies when'];
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** The README with every marked field table rewritten (and formatted as `npm run format` would). */
export async function withFieldTables(readme: string): Promise<string> {
  let out = readme;
  for (const kind of KINDS) {
    const start = `<!-- fields:${kind}:start -->`;
    const end = `<!-- fields:${kind}:end -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from < 0 || to < from)
      throw new Error(`README.md has no "${start}" … "${end}" markers for the ${kind} fields`);
    out = `${out.slice(0, from + start.length)}\n\n${fieldTable(kind)}\n\n${out.slice(to)}`;
  }
  const options = await resolveConfig(README_PATH);
  return format(out, { ...options, filepath: README_PATH });
}

async function main(): Promise<void> {
  const readme = readFileSync(README_PATH, 'utf8');
  const next = await withFieldTables(readme);
  if (next === readme) process.stdout.write('README.md field tables are current\n');
  else {
    writeFileSync(README_PATH, next);
    process.stdout.write('README.md field tables rewritten\n');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `docs:fields: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
