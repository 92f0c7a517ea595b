import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from './npy';

/** Builds a .npy byte stream by hand (independent of writeNpy): header text + raw payload. */
function npyBytes(header: string, payload: Uint8Array, major = 1): Uint8Array {
  const pre = major === 1 ? 10 : 12;
  let h = header;
  h += ' '.repeat((64 - ((pre + h.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(pre + h.length + payload.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const v = new DataView(out.buffer);
  if (major === 1) v.setUint16(8, h.length, true);
  else v.setUint32(8, h.length, true);
  for (let i = 0; i < h.length; i++) out[pre + i] = h.charCodeAt(i);
  out.set(payload, pre + h.length);
  return out;
}

function payload(n: number, size: number, put: (v: DataView, i: number) => void): Uint8Array {
  const buf = new Uint8Array(n * size);
  const v = new DataView(buf.buffer);
  for (let i = 0; i < n; i++) put(v, i);
  return buf;
}

const M23 = [1.5, -2.25, 3, 4.125, -5, 6.5]; // 2×3 in C order

describe('readNpy', () => {
  it('reads little-endian float32, C order, with its shape', () => {
    const b = npyBytes(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      payload(6, 4, (v, i) => v.setFloat32(i * 4, M23[i], true)),
    );
    const a = readNpy(b);
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe('f4');
    expect(Array.from(a.data)).toEqual(M23);
  });

  it('reads big-endian float64', () => {
    const b = npyBytes(
      "{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), }",
      payload(6, 8, (v, i) => v.setFloat64(i * 8, M23[i] + 1e-12, false)),
    );
    expect(Array.from(readNpy(b).data)).toEqual(M23.map((x) => x + 1e-12));
  });

  it('reorders Fortran (column-major) data to C order', () => {
    const colMajor = [M23[0], M23[3], M23[1], M23[4], M23[2], M23[5]];
    const b = npyBytes(
      "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }",
      payload(6, 8, (v, i) => v.setFloat64(i * 8, colMajor[i], true)),
    );
    const a = readNpy(b);
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual(M23);
  });

  it('reorders a 3-D Fortran array to C order', () => {
    const shape = [2, 3, 4];
    const c = Array.from({ length: 24 }, (_, i) => i);
    // element (i,j,k) has C index i*12 + j*4 + k and Fortran index i + 2j + 6k
    const f = new Array<number>(24);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 4; k++) f[i + 2 * j + 6 * k] = c[i * 12 + j * 4 + k];
    const b = npyBytes(
      `{'descr': '<i4', 'fortran_order': True, 'shape': (${shape.join(', ')}), }`,
      payload(24, 4, (v, i) => v.setInt32(i * 4, f[i], true)),
    );
    expect(Array.from(readNpy(b).data)).toEqual(c);
  });

  it('reads integer labels of every width and signedness, and bool', () => {
    const y = [0, 3, 1, 2, 2];
    const cases: [string, number, (v: DataView, i: number) => void][] = [
      ['<i8', 8, (v, i) => v.setBigInt64(i * 8, BigInt(y[i]), true)],
      ['>i8', 8, (v, i) => v.setBigInt64(i * 8, BigInt(y[i]), false)],
      ['<i4', 4, (v, i) => v.setInt32(i * 4, y[i], true)],
      ['>i2', 2, (v, i) => v.setInt16(i * 2, y[i], false)],
      ['|i1', 1, (v, i) => v.setInt8(i, y[i])],
      ['|u1', 1, (v, i) => v.setUint8(i, y[i])],
      ['<u2', 2, (v, i) => v.setUint16(i * 2, y[i], true)],
      ['<u4', 4, (v, i) => v.setUint32(i * 4, y[i], true)],
      ['<u8', 8, (v, i) => v.setBigUint64(i * 8, BigInt(y[i]), true)],
    ];
    for (const [descr, size, put] of cases) {
      const a = readNpy(
        npyBytes(
          `{'descr': '${descr}', 'fortran_order': False, 'shape': (5,), }`,
          payload(5, size, put),
        ),
      );
      expect(a.shape, descr).toEqual([5]);
      expect(Array.from(a.data), descr).toEqual(y);
    }
    const neg = readNpy(
      npyBytes(
        "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }",
        payload(1, 8, (v) => v.setBigInt64(0, -7n, true)),
      ),
    );
    expect(Array.from(neg.data)).toEqual([-7]);
    const bool = readNpy(
      npyBytes(
        "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
        new Uint8Array([1, 0, 1]),
      ),
    );
    expect(Array.from(bool.data)).toEqual([1, 0, 1]);
  });

  it('reads float16 and a version-2.0 header', () => {
    const half = [0x3c00, 0xc000, 0x3555]; // 1, -2, 0.333…
    const b = npyBytes(
      "{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }",
      payload(3, 2, (v, i) => v.setUint16(i * 2, half[i], true)),
      2,
    );
    const a = readNpy(b);
    expect(a.data[0]).toBe(1);
    expect(a.data[1]).toBe(-2);
    expect(a.data[2]).toBeCloseTo(1 / 3, 3);
  });

  it('rejects bad files with a message that names the problem', () => {
    expect(() => readNpy(new TextEncoder().encode('not a numpy file at all'))).toThrow(/magic/);
    const full = npyBytes(
      "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
      payload(6, 8, (v, i) => v.setFloat64(i * 8, M23[i], true)),
    );
    expect(() => readNpy(full.subarray(0, full.length - 8))).toThrow(/needs 48/);
    expect(() =>
      readNpy(
        npyBytes("{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(24)),
      ),
    ).toThrow(/unsupported dtype/);
    expect(() =>
      readNpy(
        npyBytes(
          "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }",
          new Uint8Array(8),
        ),
      ),
    ).toThrow(/descr/);
  });
});

describe('writeNpy', () => {
  it('round-trips float64, float32, int32 and int64 through a file on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'npy-'));
    const cases = [
      ['f8', M23.map((x) => x / 3)],
      ['f4', M23],
      ['i4', [1, -2, 3, 4, 5, 6]],
      ['i8', [1, 2, 3, 4, 5, -6]],
    ] as const;
    for (const [dtype, values] of cases) {
      const path = join(dir, `a_${dtype}.npy`);
      writeFileSync(path, writeNpy(values, [2, 3], dtype));
      const a = readNpy(readFileSync(path));
      expect(a.shape).toEqual([2, 3]);
      expect(a.dtype).toBe(dtype);
      expect(Array.from(a.data)).toEqual([...values]);
    }
    const vec = readNpy(writeNpy([4, 5, 6], [3], 'i8'));
    expect(vec.shape).toEqual([3]);
  });

  it('pads the header so the data starts on a 64-byte boundary (numpy convention)', () => {
    const b = writeNpy([1, 2, 3], [3], 'f8');
    const headerLen = new DataView(b.buffer).getUint16(8, true);
    expect((10 + headerLen) % 64).toBe(0);
  });
});
