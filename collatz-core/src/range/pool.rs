//! Where a call's work runs: the pool it runs on ([`in_pool`]), and how its threads share the
//! pool with other calls ([`on_every_thread`]).
//!
//! A call runs one loop on every thread of its pool, each loop taking the call's next unit of
//! work (a chunk, a verification leaf) until none is left. Rayon runs a job that arrives from
//! outside a pool only when one of its threads finds no other work, so a long call on rayon's
//! global pool would hold up every short call behind it. Hence:
//! - A long call (at least [`LONG_CALL`] start values) without `threads` runs on a pool of its
//!   own with as many threads as the global pool (kept for the next long call), whose threads
//!   run at a lower OS priority (nice [`BACKGROUND_NICE`] on Linux): short calls run on the
//!   global pool, which long calls leave free, and take the cores first when they come. A long
//!   call alone still has every core; beside short calls it gives them what they use.
//! - Between units, holding none, a loop calls `rayon::yield_now()`, which runs one job
//!   waiting in the pool: short calls that arrive while others run on the global pool start
//!   at the end of the current unit instead of after the whole call.
//! - Loops reach each thread through the thread's broadcast queue, never its deque: a thread
//!   that yields must not find a sibling loop of its own call there (running it nested would
//!   leave the other threads idle).
//!
//! When it runs: around every range call ([`in_pool`]) and for every unit of work. What it
//! costs: a long call's own pool is built once and kept; a yield per unit.

use std::sync::Mutex;

use super::RunOptions;
use crate::error::{Error, Result};

/// Calls over at least this many start values are long: without `threads`, they run on a
/// pool of their own (see the module's documentation).
pub(super) const LONG_CALL: u64 = 1 << 21;

/// The nice value of the threads of long calls' own pools (Linux): a weight of 110 against
/// 1024 for the threads of short calls.
pub(super) const BACKGROUND_NICE: i32 = 10;

/// Runs `unit` on every thread of the current pool, over and over, until it returns `false`
/// on each (no work left, or the call failed); returns when every loop has ended. `unit` must
/// hold nothing that another loop waits for when it returns.
pub(super) fn on_every_thread<F>(unit: &F)
where
    F: Fn() -> bool + Sync,
{
    rayon::scope(|scope| {
        scope.spawn_broadcast(|_, _| {
            while unit() {
                rayon::yield_now();
            }
        })
    });
}

/// Runs `f` on the pool for a call over `len` start values: a pool of `opts.threads` threads,
/// a pool of its own for a long call made from outside any pool, or rayon's global pool.
pub(super) fn in_pool<T: Send>(
    opts: &RunOptions,
    len: u64,
    f: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    opts.check()?;
    let outside = rayon::current_thread_index().is_none();
    match opts.threads {
        Some(t) => on_own_pool(
            Kind {
                threads: t,
                background: false,
            },
            f,
        ),
        None if len >= LONG_CALL && outside => {
            let threads = rayon::current_num_threads();
            on_own_pool(
                Kind {
                    threads,
                    background: true,
                },
                f,
            )
        }
        // on one of the global pool's threads, so that the joins inside do not each wake the
        // pool from outside (a caller's own worker thread gets it at once)
        None => rayon::join(f, || ()).0,
    }
}

/// A pool of a call's own: how many threads, and whether they run in the background.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Kind {
    threads: usize,
    background: bool,
}

/// Runs `f` on a pool of this kind used by this call alone (two calls at once must not queue
/// on one pool's threads), kept afterwards for the next call of the same kind.
fn on_own_pool<T: Send>(kind: Kind, f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    let p = take_pool(kind)?;
    let out = p.install(f);
    give_pool(kind, p);
    out
}

/// Lowers the calling thread's OS priority to [`BACKGROUND_NICE`] (Linux; elsewhere nothing).
/// A failure leaves the priority as it was: the work is the same, only its share of the cores
/// beside other threads changes.
fn into_background() {
    #[cfg(target_os = "linux")]
    #[allow(unsafe_code)]
    // SAFETY: gettid and setpriority take and return plain integers and touch no memory of
    // ours; setpriority(PRIO_PROCESS, tid, n) changes only the scheduling weight of this one
    // thread (Linux keeps nice values per thread), and raising a nice value is always allowed.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, BACKGROUND_NICE);
    }
}

type Pools = Mutex<Vec<(Kind, rayon::ThreadPool)>>;

/// Idle pools kept for later calls: starting threads costs more than a short range takes.
static POOLS: std::sync::OnceLock<Pools> = std::sync::OnceLock::new();

/// At most this many idle pools are kept.
const POOLS_KEPT: usize = 4;

/// An idle pool of this kind, or a new one. (The lock is held only to take a pool out of the
/// list, never while waiting for anything.)
fn take_pool(kind: Kind) -> Result<rayon::ThreadPool> {
    let pools = POOLS.get_or_init(Default::default);
    {
        let mut pools = pools.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = pools.iter().position(|(k, _)| *k == kind) {
            return Ok(pools.swap_remove(i).1);
        }
    }
    let mut builder = rayon::ThreadPoolBuilder::new().num_threads(kind.threads);
    if kind.background {
        builder = builder.start_handler(|_| into_background());
    }
    builder
        .build()
        .map_err(|e| Error::InvalidArgument(format!("thread pool: {e}")))
}

/// Returns a pool after its call, keeping it if there is room.
fn give_pool(kind: Kind, pool: rayon::ThreadPool) {
    let pools = POOLS.get_or_init(Default::default);
    let mut pools = pools.lock().unwrap_or_else(|e| e.into_inner());
    if pools.len() < POOLS_KEPT {
        pools.push((kind, pool));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    #[test]
    fn every_unit_runs_once_on_every_pool_size() {
        for threads in [1, 2, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            {
                let next = AtomicU64::new(0);
                let sum = AtomicU64::new(0);
                pool.install(|| {
                    on_every_thread(&|| {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= 1000 {
                            return false;
                        }
                        sum.fetch_add(i, Ordering::Relaxed);
                        true
                    })
                });
                assert_eq!(sum.into_inner(), 999 * 1000 / 2);
            }
        }
    }

    #[test]
    fn long_calls_run_on_background_threads_and_the_others_do_not() {
        #[cfg(target_os = "linux")]
        fn nice() -> i32 {
            // SAFETY: as in `into_background`: integers in and out, this thread only
            #[allow(unsafe_code)]
            unsafe {
                libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t)
            }
        }
        #[cfg(not(target_os = "linux"))]
        fn nice() -> i32 {
            BACKGROUND_NICE
        }
        let opts = RunOptions::default();
        let here = nice();
        let long = in_pool(&opts, LONG_CALL, || Ok(nice())).unwrap();
        let short = in_pool(&opts, LONG_CALL - 1, || Ok(nice())).unwrap();
        let two = RunOptions {
            threads: Some(2),
            ..RunOptions::default()
        };
        let chosen = in_pool(&two, LONG_CALL, || Ok(nice())).unwrap();
        assert_eq!(long, BACKGROUND_NICE.max(here));
        assert_eq!((short, chosen), (here, here));
        assert_eq!(nice(), here, "the caller's own thread is left alone");
    }

    #[test]
    fn a_short_call_does_not_wait_for_a_long_one() {
        // a long call keeps its threads busy; a short call arriving from another thread ends
        // long before it
        let opts = RunOptions::default();
        let long_left = AtomicU64::new(1500);
        let t0 = Instant::now();
        let short_took = std::thread::scope(|s| {
            s.spawn(|| {
                in_pool(&opts, LONG_CALL, || {
                    on_every_thread(&|| {
                        std::thread::sleep(Duration::from_millis(1));
                        long_left
                            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| {
                                l.checked_sub(1)
                            })
                            .is_ok()
                    });
                    Ok(())
                })
            });
            std::thread::sleep(Duration::from_millis(50));
            let t = Instant::now();
            let short_left = AtomicU64::new(20);
            in_pool(&opts, 20, || {
                on_every_thread(&|| {
                    short_left
                        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| l.checked_sub(1))
                        .is_ok()
                });
                Ok(())
            })
            .unwrap();
            t.elapsed()
        });
        let long_took = t0.elapsed();
        assert!(long_took > Duration::from_millis(500), "{long_took:?}");
        assert!(
            short_took * 4 < long_took,
            "short {short_took:?}, long {long_took:?}"
        );
    }
}
