// The main thread's side of the data Worker: one shared Worker, requests as Promises with an
// AbortSignal, and errors rebuilt as ApiErrors.
import { ApiError } from './api.js';

let worker;
let nextId = 1;
const pending = new Map();

function getWorker() {
  if (!worker) {
    worker = new Worker(new URL('./data-worker.js', import.meta.url), { type: 'module', name: 'data' });
    worker.onmessage = (ev) => {
      const { id, result, error } = ev.data;
      const p = pending.get(id);
      if (!p) return;
      pending.delete(id);
      if (error) p.reject(new ApiError(error.status, error.code, error.message));
      else p.resolve(result);
    };
  }
  return worker;
}

/** Sends a request to the Worker; `signal` aborts its fetch (the Promise rejects, code 'aborted'). */
export function workerRequest(type, params, signal) {
  const w = getWorker();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.postMessage({ id, type, ...params });
    signal?.addEventListener('abort', () => w.postMessage({ type: 'abort', id }), { once: true });
  });
}

/** Whether an error is an abort (a superseded request), not worth showing. */
export const isAbort = (e) => e?.code === 'aborted' || e?.name === 'AbortError';
