import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll } from 'vitest';
import { describeOracleOnDevice } from './device-oracle';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describeOracleOnDevice('cpu');
