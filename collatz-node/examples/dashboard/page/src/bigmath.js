// Arithmetic on the page's big integers: parsing the inputs (digits, 1e6, 2^100+1) to BigInt,
// log2 of a decimal string of any length (from its digit count and leading digits), and
// compact formatting for axes and tables.

const LOG2_10 = Math.log2(10);

function parseFactor(text) {
  const t = text.trim();
  const pow = t.split('^');
  if (pow.length === 2) {
    const base = parseFactor(pow[0]);
    const exp = parseFactor(pow[1]);
    if (exp > 100000n) throw new RangeError(`exponent too large: ${exp}`);
    return base ** exp;
  }
  if (pow.length > 2) throw new SyntaxError(`not a number: ${text}`);
  const sci = /^(\d+)(?:\.(\d+))?e(\d+)$/i.exec(t);
  if (sci) {
    const [, int, frac = '', exp] = sci;
    const e = BigInt(exp) - BigInt(frac.length);
    if (e < 0n) throw new SyntaxError(`not an integer: ${text}`);
    return BigInt(int + frac) * 10n ** e;
  }
  if (!/^\d+$/.test(t)) throw new SyntaxError(`not a number: ${text}`);
  return BigInt(t);
}

/**
 * Parses an integer typed by a user: decimal digits (with `_`, `,` or spaces between groups),
 * `1e6`, `2.5e9`, `2^100`, and sums/differences/products of those (`2^100+1`, `3*2^20-1`).
 * Throws SyntaxError on anything else.
 */
export function parseBigInt(text) {
  const s = String(text).replace(/[_,\s]/g, '');
  if (s === '') throw new SyntaxError('empty number');
  let total = 0n;
  // split into signed terms, keeping the 'e' of 1e6 inside its term
  const terms = s.match(/[+-]?[^+-]+/g);
  if (!terms || terms.join('') !== s) throw new SyntaxError(`not a number: ${text}`);
  for (const term of terms) {
    const neg = term.startsWith('-');
    const body = term.replace(/^[+-]/, '');
    let product = 1n;
    for (const f of body.split('*')) product *= parseFactor(f);
    total += neg ? -product : product;
  }
  return total;
}

/** log2 of a non-negative integer given as a decimal string (or BigInt) of any length. */
export function log2Decimal(value) {
  const s = typeof value === 'string' ? value : value.toString();
  if (s.length <= 15) return Math.log2(Number(s));
  // leading 15 digits carry more precision than a double's 53 bits need
  return Math.log2(Number(s.slice(0, 15))) + (s.length - 15) * LOG2_10;
}

/** Bit length of a non-negative BigInt. */
export function bitLength(n) {
  return n === 0n ? 0 : n.toString(2).length;
}

/** ceil(a / b) for non-negative BigInts. */
export function ceilDiv(a, b) {
  return (a + b - 1n) / b;
}

const groupFmt = new Intl.NumberFormat('en-US');

/** A decimal string with thousands separators up to 21 digits, else mantissa·10^exp (k digits). */
export function formatBig(value) {
  const s = typeof value === 'string' ? value : value.toString();
  if (s.length <= 21) return groupFmt.format(BigInt(s));
  return `${s[0]}.${s.slice(1, 5)}e${s.length - 1} (${s.length} digits)`;
}

/** A compact label for an axis tick: 950, 12.5k, 3M, 1.2e12. */
export function compact(x) {
  const a = Math.abs(x);
  if (a < 1e4) return String(Math.round(x * 100) / 100);
  if (a < 1e6) return `${+(x / 1e3).toPrecision(4)}k`;
  if (a < 1e9) return `${+(x / 1e6).toPrecision(4)}M`;
  return x.toExponential(3).replace(/\.?0+e/, 'e').replace('e+', 'e');
}
