/**
 * The run bar's files, one action each (no React): the results, the state (a checkpoint, or the
 * oracle `init` format for runs without one), the features as .npy, and loading a state file.
 */
import { findPreset } from '../../engine/config/presets';
import { CHECKPOINT_FORMAT, parseCheckpoint } from '../../engine/session/checkpoint';
import { configForState, ufmInitStateSchema } from '../../engine/ufm/initState';
import { saveBytes, saveJson } from '../download';
import { dateStamp } from '../format';
import { errorText, labClient } from '../labClient';
import { labActions, useLab } from '../store';

function baseName(): string {
  const s = useLab.getState();
  const preset = s.presetId && findPreset(s.presetId) ? s.presetId : 'ufm';
  return `nc-lab-${preset}-${dateStamp()}`;
}

export async function saveResults(): Promise<void> {
  try {
    const result = await labClient.result();
    if (!result) throw new Error('no run loaded');
    saveJson(`${baseName()}.json`, result, 1);
  } catch (error) {
    labActions.addError(`Download failed: ${errorText(error)}`);
  }
}

export async function exportFeatures(): Promise<void> {
  try {
    const files = await labClient.exportFeatures(0);
    if (!files) throw new Error('feature export takes a network run');
    // Plain names: the ones "Measure your features" and `npm run metrics` recognise.
    for (const f of files) saveBytes(f.name, f.bytes);
    labActions.announce(`Exported ${files.map((f) => f.name).join(', ')}.`);
  } catch (error) {
    labActions.addError(`Export features failed: ${errorText(error)}`);
  }
}

/**
 * The run library's checkpoint (what `npm run experiment -- --resume` continues); a run kind
 * without checkpoints yet (paired runs) falls back to the oracle `init` format.
 */
export async function saveState(): Promise<void> {
  try {
    const s = useLab.getState();
    const checkpoint = await labClient.checkpointNow();
    if (checkpoint) {
      saveJson(`${baseName()}-state-step${checkpoint.step}.json`, checkpoint, 1);
      return;
    }
    const state = await labClient.snapshot();
    if (!state) throw new Error('no run loaded');
    saveJson(
      `${baseName()}-state-step${s.step}.json`,
      { ...state, config: s.loadedConfig, step: s.step },
      1,
    );
  } catch (error) {
    labActions.addError(`Save state failed: ${errorText(error)}`);
  }
}

/**
 * Load a checkpoint (a new kept run at its step) or a UFM state in the oracle `init` format.
 * Throws a sentence naming the file and what is wrong with it; only a state the worker accepted
 * changes the form (and the URL). Returns a note for the user, or null.
 */
export async function loadStateFile(file: File): Promise<string | null> {
  let raw: unknown;
  try {
    raw = JSON.parse(await file.text());
  } catch {
    throw new Error(`${file.name} is not JSON`);
  }
  if ((raw as { format?: unknown } | null)?.format === CHECKPOINT_FORMAT) {
    const checkpoint = parseCheckpoint(raw, file.name);
    const loaded = await labClient.loadCheckpoint(checkpoint);
    if (!loaded)
      throw new Error(useLab.getState().statusMessage ?? 'the worker rejected the checkpoint');
    labActions.setConfig(checkpoint.config);
    labActions.announce(`Loaded the checkpoint at step ${checkpoint.step} from ${file.name}.`);
    const total = useLab.getState().lastReport?.totalSteps;
    // Start would end at once: say so rather than seem to do nothing
    return total !== undefined && checkpoint.step >= total
      ? `${file.name} is at the run's last step (${checkpoint.step} of ${total}): there is nothing left to train.`
      : null;
  }
  const parsed = ufmInitStateSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 4)
      .map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new Error(
      `${file.name} is not a state file (needs H, fc_weights, fc_last_bias, targets): ${issues.join('; ')}`,
    );
  }
  // A saved state file: the oracle `init` format, plus the config when NC Lab wrote it.
  const saved = (raw as { config?: unknown }).config;
  const config = configForState(parsed.data, saved, useLab.getState().config);
  const report = await labClient.load(config, parsed.data);
  if (!report) throw new Error(useLab.getState().statusMessage ?? 'the worker rejected the state');
  labActions.setConfig(config);
  labActions.announce(`Loaded the state from ${file.name}.`);
  return null;
}
