// A parser of the Prometheus text exposition format (what /metrics serves) and the two
// computations the operations panel needs from it: a histogram's quantile (as PromQL's
// histogram_quantile does it) and the sums of samples by name and labels.

/** Parses exposition text into {types: Map(family → type), samples: [{name, labels, value}]}. */
export function parsePrometheus(text) {
  const types = new Map();
  const samples = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s+TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (m) types.set(m[1], m[2]);
      continue;
    }
    const s = parseSample(line);
    if (s) samples.push(s);
  }
  return { types, samples };
}

function parseSample(line) {
  let i = 0;
  while (i < line.length && line[i] !== '{' && line[i] !== ' ' && line[i] !== '\t') i++;
  const name = line.slice(0, i);
  const labels = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const eq = line.indexOf('=', i);
      if (eq < 0) return null;
      const key = line.slice(i, eq).trim();
      i = eq + 1;
      if (line[i] !== '"') return null;
      i++;
      let val = '';
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\') {
          const c = line[i + 1];
          val += c === 'n' ? '\n' : c;
          i += 2;
        } else {
          val += line[i++];
        }
      }
      i++; // closing quote
      labels[key] = val;
    }
  }
  const rest = line.slice(i).trim().split(/\s+/);
  const value = parseValue(rest[0]);
  if (name === '' || Number.isNaN(value)) return null;
  return { name, labels, value };
}

function parseValue(s) {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

/** Sums samples named `name` whose labels pass `keep`, grouped by `by(labels)`. */
export function sumBy(samples, name, keep = () => true, by = () => '') {
  const out = new Map();
  for (const s of samples) {
    if (s.name !== name || !keep(s.labels)) continue;
    const k = by(s.labels);
    out.set(k, (out.get(k) ?? 0) + s.value);
  }
  return out;
}

/**
 * The q-quantile of a histogram given as cumulative bucket counts [{le, count}] (le ascending,
 * +Inf last), interpolated linearly inside the bucket as histogram_quantile does.
 */
export function histogramQuantile(q, buckets) {
  const bs = [...buckets].sort((a, b) => a.le - b.le);
  if (bs.length === 0) return NaN;
  const total = bs[bs.length - 1].count;
  if (!(total > 0)) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of bs) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe;
      const inBucket = b.count - prevCount;
      return inBucket > 0 ? prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket : b.le;
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}
