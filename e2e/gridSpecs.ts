/**
 * The small network the e2e grids vary: a one-hidden-layer MLP on a 3-class Gaussian mixture,
 * full batch, on wasm; each test sets how long it trains and how often it measures.
 */
export function gaussMlpBase(length: { epochs: number; measureEvery: number }) {
  return {
    experiment: 'net',
    dataset: 'gaussian',
    gaussClasses: 3,
    gaussDim: 6,
    perClass: [12],
    model: 'mlp',
    width: 8,
    depthRelu: 1,
    batchnorm: false,
    optimizer: 'adam',
    lr: 0.01,
    lrStep: 0,
    batchSize: 0,
    ...length,
    measureSamples: 0,
    backend: 'wasm',
  };
}
