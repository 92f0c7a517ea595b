/**
 * Byte sources for the parsers: a whole file in memory, a web ReadableStream (File.stream(),
 * fetch bodies) or any async iterable of chunks (Node fs streams). Parsers consume chunks as they
 * arrive, so a large archive is never held twice.
 */
export type ByteSource = Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** Progress of a long load: fraction in [0, 1] and a line saying what is happening. */
export type ProgressFn = (fraction: number, message: string) => void;

/** Chunk size used to slice an in-memory source, so progress advances and sinks stay small. */
const SLICE = 1 << 22;

export async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    for (let o = 0; o < source.length; o += SLICE) yield source.subarray(o, o + SLICE);
    return;
  }
  if (isReadableStream(source)) {
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value && value.length > 0) yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  for await (const chunk of source) {
    if (chunk.length > 0) yield chunk;
  }
}

function isReadableStream(s: ByteSource): s is ReadableStream<Uint8Array> {
  return typeof (s as ReadableStream<Uint8Array>).getReader === 'function';
}

/** Length of an in-memory source; undefined for streams (pass totalBytes for progress). */
export function knownLength(source: ByteSource): number | undefined {
  return source instanceof Uint8Array ? source.length : undefined;
}

/** Reports progress at most every `step` of the fraction, so a 160 MB file is not 40 000 calls. */
export function throttled(onProgress: ProgressFn | undefined, step = 0.005): ProgressFn {
  let last = -1;
  return (fraction, message) => {
    if (!onProgress) return;
    if (fraction >= 1 || fraction - last >= step) {
      last = fraction;
      onProgress(Math.min(1, Math.max(0, fraction)), message);
    }
  };
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
