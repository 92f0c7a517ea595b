import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs saves what a kernel's gradient needs (its inputs or outputs) by running the Identity
 * kernel on it, and the wasm backend's Identity copies the tensor, while the cpu and webgl
 * backends share its buffer by reference count (as wasm's own Reshape does). A ResNet18 ⅛ step
 * copied 198 tensors so (3.3 ms, and as much memory as the activations again). This replaces
 * wasm's Identity by the shared reference. Nothing in the lab writes into a buffer that another
 * tensor holds: the host loops write new outputs, or state buffers whose reference count is 1
 * (hostMomentum.ts, hostAdam.ts).
 */
export function shareWasmIdentity(): void {
  const copying = tf.getKernel('Identity', 'wasm');
  if (!copying || copying.kernelFunc === sharedIdentity) return;
  copyingIdentity = copying.kernelFunc;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: sharedIdentity });
}

let copyingIdentity: tf.KernelFunc | null = null;

/** x's buffer under a new tensor; strings (not on the heap) go to wasm's own kernel. */
const sharedIdentity: tf.KernelFunc = (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string' && copyingIdentity) return copyingIdentity(args);
  (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};
