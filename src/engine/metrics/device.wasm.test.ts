import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll } from 'vitest';
import { describeOracleOnDevice } from '../testing/deviceOracle';

// wasm lacks some kernels the cpu backend has (e.g. UnsortedSegmentSum): run the oracle there too
beforeAll(async () => {
  await tf.setBackend('wasm');
});

describeOracleOnDevice('wasm');
