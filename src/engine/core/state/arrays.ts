import { z } from 'zod';

/**
 * A Float32 array in JSON: its shape and its bytes as base64 (little-endian), so a checkpoint
 * restores every value bit for bit and stays a third smaller than a decimal list.
 */
export const encodedArraySchema = z.object({
  shape: z.array(z.number().int().min(0)),
  data: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
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

/** The values of an encoded array; throws naming `what` when its bytes do not fill its shape. */
export function decodeFloat32(encoded: EncodedArray, what: string): Float32Array {
  const binary = atob(encoded.data);
  const count = encoded.shape.reduce((a, n) => a * n, 1);
  if (binary.length !== count * 4)
    throw new Error(
      `${what}: shape [${encoded.shape.join(', ')}] needs ${count * 4} bytes, the data holds ${binary.length}`,
    );
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}
