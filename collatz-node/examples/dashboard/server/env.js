// env.js — process settings that must be in place before anything else loads: libuv's thread
// pool (where the addon's async calls wait for a thread) gets 8 threads unless
// UV_THREADPOOL_SIZE says otherwise, so running jobs never take every thread from requests.
// main.js imports this module first.
process.env.UV_THREADPOOL_SIZE ??= "8";
