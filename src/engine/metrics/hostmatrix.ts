// Uniform row access to host matrices given as nested arrays or row-major dense buffers.
import { MetricsInputError } from './validate';
import type { DenseMatrix, HostMatrix } from './types';
import type { Rows } from '../core/linalg';

export interface RowSource {
  rows: number;
  cols: number;
  /** row i as float64 (a fresh copy or a view; callers must not modify it) */
  row(i: number): Float64Array;
}

function isDense(m: HostMatrix): m is DenseMatrix {
  return typeof (m as DenseMatrix).rows === 'number' && typeof (m as DenseMatrix).cols === 'number';
}

export function rowSource(m: HostMatrix, what: string): RowSource {
  if (isDense(m)) {
    const { rows, cols, data } = m;
    if (data.length !== rows * cols) {
      throw new MetricsInputError(
        `${what}: data length ${data.length} does not match ${rows}×${cols}`,
      );
    }
    if (data instanceof Float64Array) {
      return { rows, cols, row: (i) => data.subarray(i * cols, (i + 1) * cols) };
    }
    return {
      rows,
      cols,
      row: (i) => Float64Array.from({ length: cols }, (_, j) => data[i * cols + j]),
    };
  }
  const rows = m.length;
  const cols = rows > 0 ? m[0].length : 0;
  for (let i = 0; i < rows; i++) {
    if (m[i].length !== cols)
      throw new MetricsInputError(`${what}: row ${i} has ${m[i].length} entries, expected ${cols}`);
  }
  return { rows, cols, row: (i) => Float64Array.from(m[i]) };
}

export function toRows(m: HostMatrix, what: string): Rows {
  const src = rowSource(m, what);
  return Array.from({ length: src.rows }, (_, i) => Float64Array.from(src.row(i)));
}
