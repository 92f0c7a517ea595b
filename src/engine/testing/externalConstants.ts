import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Numbers that come from outside NC Lab (PyTorch parameter counts, official dataset sizes), kept
 * in one file with their sources (test/fixtures/README.md) so no test pastes them.
 */
export interface ExternalConstants {
  pytorch: { resnet18_cifar10_params: number; vgg16_cifar10_params: number };
  mnist: { train: number; test: number; train_digit9: number };
  fashion_mnist: { train: number; test: number; train_per_class: number; test_per_class: number };
}

const FILE = fileURLToPath(
  new URL('../../../test/fixtures/external-constants.json', import.meta.url),
);

export const EXTERNAL: ExternalConstants = JSON.parse(
  readFileSync(FILE, 'utf8'),
) as ExternalConstants;
