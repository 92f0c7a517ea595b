// The bundle's entry (bench/gpu/pack.sh): `node gpu.mjs bench …` or `node gpu.mjs experiment …`.
// tfjs-core's ESM build gets its gradients and chained ops registered here, since the bundle has
// no '@tensorflow/tfjs' union package for backend.ts's Node path to import (pack.sh gives it an
// empty stand-in).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';

const command = process.argv.splice(2, 1)[0];
if (command === 'bench') await import('../../scripts/bench');
else if (command === 'experiment') await import('../../scripts/experiment');
else {
  console.error(`usage: node gpu.mjs bench|experiment [arguments] (got ${command ?? 'nothing'})`);
  process.exit(2);
}
