// Exact decimal arithmetic for the live price example (no binary floating point: $30 × 1.005 × 1.10 is $33.165, shown $33.17).

function parse(text) {
  const m = String(text).trim().match(/^(\d+)(?:\.(\d+))?$/);
  if (!m) return null;
  const frac = m[2] || '';
  return { n: BigInt(m[1] + frac), scale: frac.length };
}

/** The product of decimal strings rounded half up to 2 places, as "33.17"; null when one is not a decimal. */
export function product(...factors) {
  let n = 1n, scale = 0;
  for (const f of factors) {
    const p = parse(f);
    if (!p) return null;
    n *= p.n;
    scale += p.scale;
  }
  if (scale <= 2) return format(n * 10n ** BigInt(2 - scale));
  const div = 10n ** BigInt(scale - 2);
  return format((n + div / 2n) / div);
}

function format(cents) {
  const s = String(cents).padStart(3, '0');
  return s.slice(0, -2) + '.' + s.slice(-2);
}
