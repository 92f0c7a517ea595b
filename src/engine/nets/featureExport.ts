import { writeNpy } from '../metrics/npy';
import type { FeatureExport } from './measurer';

/** One exported file: a name the "Measure your features" section and `npm run metrics` recognise. */
export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * The `.npy` files of a feature export (float32 features and classifier, int64 labels: what
 * NumPy writes for `np.save(..., x.astype(np.float32))` and integer labels):
 * features.npy (N×d), labels.npy, weights.npy (K×d), bias.npy (when the head has one),
 * test_features.npy + test_labels.npy (when there is a test split), labels_original.npy (when
 * labels are noisy).
 */
export function featureExportFiles(e: FeatureExport): ExportFile[] {
  const files: ExportFile[] = [
    { name: 'features.npy', bytes: writeNpy(e.train.values, e.train.shape, 'f4') },
    { name: 'labels.npy', bytes: writeNpy(e.train.labels, [e.train.labels.length], 'i8') },
    { name: 'weights.npy', bytes: writeNpy(e.weights.values, e.weights.shape, 'f4') },
  ];
  if (e.bias) files.push({ name: 'bias.npy', bytes: writeNpy(e.bias, [e.bias.length], 'f4') });
  if (e.test) {
    files.push(
      { name: 'test_features.npy', bytes: writeNpy(e.test.values, e.test.shape, 'f4') },
      { name: 'test_labels.npy', bytes: writeNpy(e.test.labels, [e.test.labels.length], 'i8') },
    );
  }
  if (e.labelsOriginal) {
    const y = e.labelsOriginal;
    files.push({ name: 'labels_original.npy', bytes: writeNpy(y, [y.length], 'i8') });
  }
  return files;
}
