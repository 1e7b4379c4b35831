/** Shared validation for attack options: each throws a RangeError naming the attack and the field. */

export function checkEps(attack: string, eps: number): void {
  if (!(eps >= 0 && Number.isFinite(eps))) throw new RangeError(`${attack}: eps must be a finite number ≥ 0, got ${eps}`);
}

export function checkInteger(attack: string, field: string, value: number, minimum: number): void {
  if (!(Number.isInteger(value) && value >= minimum)) {
    throw new RangeError(`${attack}: ${field} must be an integer ≥ ${minimum}, got ${value}`);
  }
}

export function checkFraction(attack: string, field: string, value: number): void {
  if (!(value > 0 && value <= 1)) throw new RangeError(`${attack}: ${field} must be in (0, 1], got ${value}`);
}

export function checkSeed(attack: string, seed: number): void {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`${attack}: seed must be a safe integer, got ${seed}`);
}

/** Images of [n, h, w, c] and labels of [n]: attacks index both by row. */
export function checkBatch(attack: string, x: { shape: number[] }, y: { shape: number[] }): void {
  if (x.shape.length !== 4) throw new RangeError(`${attack}: x must be [batch, height, width, channels], got [${x.shape}]`);
  if (y.shape.length !== 1 || y.shape[0] !== x.shape[0]) {
    throw new RangeError(`${attack}: y must be [${x.shape[0]}] (one label per image), got [${y.shape}]`);
  }
}
