/** Small numeric helpers shared by the measurements. */
import * as fs from 'fs';
import * as os from 'os';

/**
 * The priority of the bench process (children inherit it) and of its PostgreSQL server. Other
 * sessions on a shared machine stretch wall times at random; a higher priority for the bench and
 * its server (never for anything else) narrows that, equally for every variant.
 */
export const BENCH_NICENESS = -5;

/** Raises this process's priority to BENCH_NICENESS; false when that is not allowed. */
export function raiseOwnPriority(): boolean {
  try {
    os.setPriority(BENCH_NICENESS);
    return true;
  } catch {
    return false;
  }
}

export function median(values: ReadonlyArray<number>): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` value). */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function timeMs(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return elapsedMs(start);
}

export function ms(value: number): string {
  if (Number.isNaN(value)) return 'n/a';
  if (value < 0) return `−${ms(-value)}`;
  if (value < 1) return `${Math.round(value * 1000)} µs`;
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 100) return `${value.toFixed(0)} ms`;
  return `${value.toFixed(1)} ms`;
}

/** A difference with its sign: +1.2 ms or −1.2 ms. */
export function signedMs(value: number): string {
  return value < 0 ? ms(value) : `+${ms(value)}`;
}

export function ratio(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value.toFixed(2)}×`;
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

export function int(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return Math.round(value).toLocaleString('en-US');
}

/** The order of `variants` for round `round`: rotated, so none always runs first on a warm cache. */
export function rotated<T>(variants: ReadonlyArray<T>, round: number): T[] {
  const k = round % variants.length;
  return [...variants.slice(k), ...variants.slice(0, k)];
}

/**
 * CPU pressure from every process on the machine (Linux PSI: share of the last 10 s in which some
 * runnable task waited for a CPU), in percent; NaN where /proc/pressure is missing.
 */
export function cpuPressure(): number {
  try {
    const line = fs.readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0];
    return Number(/avg10=([\d.]+)/.exec(line)?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}
