import { z } from 'zod';

/**
 * A checkpoint (or a part of one) that cannot be restored: damaged, cut, edited by hand, or of
 * another run. Thrown before any of it reaches a session's tensors or optimiser, with a message
 * naming the array, parameter or field at fault.
 */
export class CheckpointError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CheckpointError';
  }
}

/** Padded base64: the alphabet, at most two '=' at the end, a length a multiple of 4. */
function isBase64(data: string): boolean {
  return data.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(data);
}

/** Bytes the base64 text `data` decodes to (canonical, padded base64: length a multiple of 4). */
export function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return (data.length / 4) * 3 - padding;
}

/** Values a shape holds (Infinity past 2^53: no array of that size can be in a file). */
export function shapeSize(shape: readonly number[]): number {
  let count = 1;
  for (const n of shape) count *= n;
  return Number.isSafeInteger(count) ? count : Infinity;
}

/**
 * A Float32 array in JSON: its shape and its bytes as base64 (little-endian), so a checkpoint
 * restores every value bit for bit and stays a third smaller than a decimal list. The bytes must
 * fill the shape exactly (checked on the text's length, before anything is decoded or sized).
 */
export const encodedArraySchema = z
  .object({
    shape: z.array(z.number().int().min(0)).max(8),
    data: z.string().refine(isBase64, 'must be base64 (padded: its length a multiple of 4)'),
  })
  .superRefine((a, ctx) => {
    if (!isBase64(a.data)) return;
    const need = shapeSize(a.shape) * 4;
    const have = base64Bytes(a.data);
    if (need !== have)
      ctx.addIssue({
        code: 'custom',
        path: ['data'],
        message: `shape [${a.shape.join(', ')}] needs ${need} bytes, the data holds ${have}`,
      });
  });
export type EncodedArray = z.infer<typeof encodedArraySchema>;

const CHUNK = 0x8000;

export function encodeFloat32(values: Float32Array, shape: number[]): EncodedArray {
  const count = shape.reduce((a, n) => a * n, 1);
  if (count !== values.length)
    throw new Error(`shape [${shape.join(', ')}] holds ${count} values, got ${values.length}`);
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK)
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return { shape: [...shape], data: btoa(binary) };
}

/**
 * The values of an encoded array; throws a CheckpointError naming `what` when its text is not
 * base64 or its bytes do not fill its shape (checked before decoding: nothing is sized from the
 * shape, only from the text).
 */
export function decodeFloat32(encoded: EncodedArray, what: string): Float32Array {
  const { data, shape } = encoded;
  if (!isBase64(data)) throw new CheckpointError(`${what}: the data is not base64`);
  const count = shapeSize(shape);
  const bytes = base64Bytes(data);
  if (bytes !== count * 4)
    throw new CheckpointError(
      `${what}: shape [${shape.join(', ')}] needs ${count * 4} bytes, the data holds ${bytes}`,
    );
  const binary = atob(data);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return new Float32Array(out.buffer);
}
