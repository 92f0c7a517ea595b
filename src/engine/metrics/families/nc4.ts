// NC4: the network's decisions against the nearest-class-centre rule, on the training features
// (pass 2) and on the test features (their own pass) (docs/metrics.md §2.4).
import { TEST_KEYS, type MetricKey } from '../keys';
import { decisionRates } from '../nc4';
import { NO_W, type MetricFamily } from './family';

const TRAIN_KEYS: readonly MetricKey[] = [
  'nc4_ncc_mismatch_train',
  'ncc_accuracy_train',
  'net_accuracy_train',
  'nc4_agreement_nobias_train',
];

/** the keys that compare against the network's decisions (the NCC accuracies need no W) */
const NEED_W: readonly MetricKey[] = [
  'nc4_ncc_mismatch_train',
  'net_accuracy_train',
  'nc4_agreement_nobias_train',
  'nc4_ncc_mismatch_test',
  'net_accuracy_test',
];

export const nc4: MetricFamily = {
  name: 'NC4',
  keys: [...TRAIN_KEYS, ...TEST_KEYS],
  needs: (want, facts) => ({
    trainDecisions: want(...TRAIN_KEYS),
    decisionExtras: facts.hasW && want('nc4_agreement_nobias_train'),
    testDecisions: facts.hasTest && want(...TEST_KEYS),
  }),
  finish({ input, pass2, testDecisions }, out) {
    if (pass2?.decisions) {
      const r = decisionRates(pass2.decisions, input.labels);
      out.put('nc4_ncc_mismatch_train', r.mismatch, NO_W);
      out.put('ncc_accuracy_train', r.nccAccuracy);
      out.put('net_accuracy_train', r.netAccuracy, NO_W);
      out.put('nc4_agreement_nobias_train', r.agreementNoBias, NO_W);
    }
    if (testDecisions && input.testLabels) {
      const r = decisionRates(testDecisions, input.testLabels);
      out.put('nc4_ncc_mismatch_test', r.mismatch, NO_W);
      out.put('ncc_accuracy_test', r.nccAccuracy);
      out.put('net_accuracy_test', r.netAccuracy, NO_W);
    }
    // without W and without test data, the test comparisons with the network name the missing W
    if (!input.W) out.nullAll(NEED_W, NO_W);
    if (!input.testLabels) out.nullAll(TEST_KEYS, 'no test features / labels given');
  },
};
