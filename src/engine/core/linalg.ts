import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Small dense float64 helpers for K×K and K×d host algebra (rows are arrays). */
export type Mat = number[][];

export function matMulT(A: Mat, B: Mat): Mat {
  // A Bᵀ
  return A.map((a) => B.map((b) => dot(a, b)));
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function frobenius(A: Mat): number {
  return Math.sqrt(A.reduce((s, row) => s + dot(row, row), 0));
}

export function scale(A: Mat, c: number): Mat {
  return A.map((row) => row.map((v) => v * c));
}

/** A/‖A‖_F, or null when A is zero. */
export function normalised(A: Mat): Mat | null {
  const f = frobenius(A);
  return f > 0 ? scale(A, 1 / f) : null;
}

export function rowsOf(data: ArrayLike<number>, rows: number, cols: number): Mat {
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => data[i * cols + j]),
  );
}

export function centreRows(A: Mat, weights?: number[]): Mat {
  const w = weights ?? A.map(() => 1 / A.length);
  const mean = A[0].map((_, j) => A.reduce((s, row, i) => s + w[i] * row[j], 0));
  return A.map((row) => row.map((v, j) => v - mean[j]));
}

/** Symmetric eigen-decomposition, eigenvalues descending, eigenvectors as columns of `vectors`. */
export function symmetricEigen(A: Mat): { values: number[]; vectors: Mat } {
  const eig = new EigenvalueDecomposition(new Matrix(A), { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  const V = eig.eigenvectorMatrix.to2DArray();
  const order = values.map((_, i) => i).sort((i, j) => values[j] - values[i]);
  return { values: order.map((i) => values[i]), vectors: V.map((row) => order.map((i) => row[i])) };
}

/** Singular values of a K×d matrix from the eigenvalues of A Aᵀ (K×K), descending. */
export function singularValues(A: Mat): number[] {
  return symmetricEigen(matMulT(A, A)).values.map((v) => Math.sqrt(Math.max(0, v)));
}
