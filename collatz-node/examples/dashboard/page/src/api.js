// The page's HTTP client for the dashboard API: JSON requests that turn the service's
// `{error, message}` answers into thrown ApiErrors, and the URL builders for each route.

/** An error answer of the API (4xx/5xx with `{error, message}`), or a network failure. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** Throws an ApiError for a non-2xx response, reading the service's `{error, message}` body. */
export async function checkResponse(res) {
  if (res.ok) return res;
  let code = `http_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const body = await res.json();
    if (body && typeof body === 'object') {
      code = body.error ?? code;
      message = body.message ?? message;
    }
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(res.status, code, message);
}

/** GET (or another method) a JSON document; `signal` aborts it. */
export async function fetchJson(url, { method = 'GET', body, signal } = {}) {
  const init = { method, signal, headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  const res = await fetch(url, init);
  await checkResponse(res);
  if (res.status === 204) return null;
  return res.json();
}

const q = (params) =>
  new URLSearchParams(
    Object.entries(params)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => [k, String(v)]),
  ).toString();

export const urls = {
  stats: (n) => `/api/stats/${encodeURIComponent(n)}`,
  trajectory: (n, cursor, limit) => `/api/trajectory/${encodeURIComponent(n)}?${q({ cursor, limit })}`,
  summary: (start, end) => `/api/summary?${q({ start, end, histogram: true })}`,
  columns: (start, end, fields, cursor, limit) => `/api/columns?${q({ start, end, fields, cursor, limit })}`,
  density: (start, end, width, height, field = 'total_stopping_time') =>
    `/api/density?${q({ start, end, width, height, field })}`,
  jobs: () => '/api/jobs',
  job: (id) => `/api/jobs/${encodeURIComponent(id)}`,
  jobEvents: (id) => {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${location.host}/api/jobs/${encodeURIComponent(id)}/events`;
  },
  metrics: () => '/metrics',
};
