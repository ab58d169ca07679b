// Tiny flag parser for the benchmark scripts: `--name value` numbers and `--flag` booleans.

export function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

export function num(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    process.stderr.write(`--${name} needs a positive number\n`);
    process.exit(2);
  }
  return v;
}

export function optionalNum(name: string): number | undefined {
  return process.argv.includes(`--${name}`) ? num(name, 1) : undefined;
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export const MB = (b: number): number => round(b / 2 ** 20, 1);
