/**
 * L2-regularised logistic regression, fitted by Newton's method on sparse rows: it minimises
 *   Σ log-loss + (l2 / 2) · Σ weight²   (the intercept is not penalised).
 * Deterministic (no randomness, fixed summation order) and exact to the tolerance: with a few
 * hundred features and ten thousand rows a fit takes a handful of iterations and well under a
 * second. The penalty keeps weights finite when a rare value converts every time.
 */
import type { SparseRow } from './design-matrix';

export interface LogisticModel {
  intercept: number;
  weights: Float64Array;
}

export interface LogisticFit extends LogisticModel {
  iterations: number;
  converged: boolean;
  /** The penalised loss at the solution, per row. */
  loss: number;
  l2: number;
}

export interface FitProgress {
  iteration: number;
  maxIterations: number;
  /** Penalised loss per row after this iteration. */
  loss: number;
}

export interface LogisticOptions {
  /** The L2 penalty (default 1, in units of rows: it weighs like one extra lead per unit). */
  l2?: number;
  maxIterations?: number;
  /** Stop when the Newton decrement per row falls below this (default 1e-10). */
  tolerance?: number;
  onProgress?: (progress: FitProgress) => void;
}

/**
 * Fits the model to `rows` (each with `dimensions` possible features) and 0/1 `labels`.
 * @throws RangeError when rows and labels differ in number, there are no rows, or l2 is not positive.
 */
export function fitLogistic(rows: readonly SparseRow[], labels: ArrayLike<number>, dimensions: number, options: LogisticOptions = {}): LogisticFit {
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-10;
  if (rows.length !== labels.length) throw new RangeError(`fitLogistic: ${rows.length} rows but ${labels.length} labels`);
  if (rows.length === 0) throw new RangeError('fitLogistic: no rows');
  if (!(l2 > 0)) throw new RangeError(`fitLogistic: l2 must be positive, got ${l2}`);

  // θ[0] is the intercept, θ[j + 1] the weight of feature j.
  const size = dimensions + 1;
  let theta = new Float64Array(size);
  let loss = penalisedLoss(rows, labels, theta, l2);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const { gradient, hessian } = derivatives(rows, labels, theta, l2);
    const step = solveCholesky(hessian, gradient, size);
    let decrement = 0;
    for (let j = 0; j < size; j++) decrement += (gradient[j] as number) * (step[j] as number);
    // Backtracking keeps every step downhill; Newton's full step is taken near the optimum.
    let t = 1;
    let next = theta;
    let nextLoss = loss;
    for (let halvings = 0; halvings < 40; halvings++) {
      next = theta.map((value, j) => value - t * (step[j] as number));
      nextLoss = penalisedLoss(rows, labels, next, l2);
      if (nextLoss <= loss - 1e-4 * t * decrement) break;
      t /= 2;
    }
    theta = next;
    loss = nextLoss;
    options.onProgress?.({ iteration: iterations, maxIterations, loss: loss / rows.length });
    if (decrement / 2 / rows.length < tolerance) {
      converged = true;
      break;
    }
  }
  return { intercept: theta[0] as number, weights: theta.slice(1), iterations, converged, loss: loss / rows.length, l2 };
}

/** The linear predictor (log-odds) of one row. */
export function logOdds(model: LogisticModel, row: SparseRow): number {
  let z = model.intercept;
  for (let k = 0; k < row.indices.length; k++) z += (model.weights[row.indices[k] as number] as number) * (row.values[k] as number);
  return z;
}

/** 1 / (1 + e^-z), without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

function zOf(theta: Float64Array, row: SparseRow): number {
  let z = theta[0] as number;
  for (let k = 0; k < row.indices.length; k++) z += (theta[(row.indices[k] as number) + 1] as number) * (row.values[k] as number);
  return z;
}

/** log(1 + e^z), stable for large |z|. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function penalisedLoss(rows: readonly SparseRow[], labels: ArrayLike<number>, theta: Float64Array, l2: number): number {
  let loss = 0;
  for (let i = 0; i < rows.length; i++) {
    const z = zOf(theta, rows[i] as SparseRow);
    loss += softplus(z) - (labels[i] as number) * z;
  }
  let squares = 0;
  for (let j = 1; j < theta.length; j++) squares += (theta[j] as number) ** 2;
  return loss + (l2 / 2) * squares;
}

/** Gradient and Hessian (dense, row-major) of the penalised loss at θ. */
function derivatives(rows: readonly SparseRow[], labels: ArrayLike<number>, theta: Float64Array, l2: number): { gradient: Float64Array; hessian: Float64Array } {
  const size = theta.length;
  const gradient = new Float64Array(size);
  const hessian = new Float64Array(size * size);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as SparseRow;
    const p = sigmoid(zOf(theta, row));
    const residual = p - (labels[i] as number);
    const w = p * (1 - p);
    gradient[0]! += residual;
    hessian[0]! += w;
    const n = row.indices.length;
    for (let a = 0; a < n; a++) {
      const ia = (row.indices[a] as number) + 1;
      const va = row.values[a] as number;
      gradient[ia]! += residual * va;
      hessian[ia * size]! += w * va;
      for (let b = 0; b <= a; b++) {
        const ib = (row.indices[b] as number) + 1;
        // Fill the lower triangle whatever order the row lists its features in.
        const cell = ia >= ib ? ia * size + ib : ib * size + ia;
        hessian[cell]! += w * va * (row.values[b] as number);
      }
    }
  }
  for (let j = 1; j < size; j++) {
    gradient[j]! += l2 * (theta[j] as number);
    hessian[j * size + j]! += l2;
  }
  // A tiny ridge on the intercept keeps the system positive definite when every p is 0 or 1.
  hessian[0]! += 1e-9;
  // Only the lower triangle was filled; mirror it.
  for (let a = 0; a < size; a++) for (let b = 0; b < a; b++) hessian[b * size + a] = hessian[a * size + b] as number;
  return { gradient, hessian };
}

/** Solves H x = g for a symmetric positive definite H (row-major, size × size). */
function solveCholesky(h: Float64Array, g: Float64Array, size: number): Float64Array {
  const l = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = h[i * size + j] as number;
      for (let k = 0; k < j; k++) sum -= (l[i * size + k] as number) * (l[j * size + k] as number);
      if (i === j) l[i * size + i] = Math.sqrt(Math.max(sum, 1e-12));
      else l[i * size + j] = sum / (l[j * size + j] as number);
    }
  }
  const y = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let sum = g[i] as number;
    for (let k = 0; k < i; k++) sum -= (l[i * size + k] as number) * (y[k] as number);
    y[i] = sum / (l[i * size + i] as number);
  }
  const x = new Float64Array(size);
  for (let i = size - 1; i >= 0; i--) {
    let sum = y[i] as number;
    for (let k = i + 1; k < size; k++) sum -= (l[k * size + i] as number) * (x[k] as number);
    x[i] = sum / (l[i * size + i] as number);
  }
  return x;
}
