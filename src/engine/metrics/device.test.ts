import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll } from 'vitest';
import { describeOracleOnDevice } from '../testing/deviceOracle';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describeOracleOnDevice('cpu');
