//! The lookup tables of the hot paths, one per file, each built once per process on first use
//! (a `OnceLock`) and shared by every engine:
//!
//! - `prefix`: the total stopping time of every n below 2^16, where every fresh memo starts;
//! - `jump`: 10 T-steps at once for every residue modulo 2^10, with the bounds and lines of
//!   each step, for the walks above the memo;
//! - `drop`: for every residue class r = 3 (mod 4) modulo 2^16, where its members first drop
//!   below themselves and the largest value before;
//! - `drop_hot`: the drop table in the 16-byte form that the summary path walks in order of n.
//!
//! The residue classes walked class by class (`classes`) are built from the drop table's steps.
//! A long call builds all of them up front, side by side on the pool's threads ([`warm`]).

mod drop;
mod drop_hot;
mod jump;
mod prefix;

use super::classes::classes;

pub(super) use drop::{drop_peak, drop_peak_bound, drop_pending, drop_slot, drop_table, DROP_BITS};
pub(super) use drop_hot::{drop_hot, DropHot, CONTINUE};
pub(super) use jump::{first_below, jump_lines, jump_table, JUMP_BITS, JUMP_FROM};
pub(super) use prefix::{prefix_table, PREFIX_LEN};

/// Calls over at least this many start values build the hot paths' tables up front.
pub(super) const WARM_FROM: u64 = 1 << 20;

/// Builds the hot paths' tables (each once per process, a few milliseconds in all) side by
/// side on the pool's threads, rather than one after another on whichever thread needs each
/// first.
pub(super) fn warm() {
    rayon::join(
        || {
            drop_hot();
        },
        || {
            rayon::join(
                || {
                    classes();
                },
                || {
                    jump_table(); // (and its lines)
                    prefix_table();
                },
            )
        },
    );
}
