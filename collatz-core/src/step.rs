//! The two steps that every fast walk of the crate is built from, each written once:
//!
//! - the odd run ([`odd_run_u64`], [`odd_run_u128`]): several odd steps of the shortcut map
//!   T(x) = (3x+1)/2 at once (Bařina): for odd x ending in α one-bits,
//!   T^α(x) = 3^α (x+1)/2^α − 1, and every one of those α steps is odd;
//! - the residue step ([`t_step`], and [`residue_jump`] / [`residue_steps`] built on it): one
//!   T-step on a residue r, branch-free, counting the odd steps: what the tables of k T-steps
//!   at once are made of.
//!
//! When they run: the odd run in every walk of a u64 or u128 value (`walk.rs`, `cache.rs`, the
//! range engine's walkers); the residue step when a table is built (once per process) and in
//! the 32-step jumps of arbitrary-precision walks. What they cost: all are `#[inline(always)]`
//! and compile to the loops they replace (the odd run's table index is capped, so it needs no
//! bounds check).

/// 3^k for k = 0..=80 (3^80 < 2^128 < 3^81).
pub(crate) const POW3: [u128; 81] = {
    let mut t = [1u128; 81];
    let mut i = 1;
    while i < 81 {
        t[i] = t[i - 1] * 3;
        i += 1;
    }
    t
};

macro_rules! odd_run {
    ($name:ident, $t:ty, $max_run:expr) => {
        /// One odd run of T on odd `x`: `Some((T^α(x), α))`, where α is the number of
        /// trailing one-bits of x, capped at
        #[doc = concat!(stringify!($max_run), " so that 3^α fits the type;")]
        /// `None` when T^α(x) overflows the type. On even x, α = 0 and x comes back as it is.
        #[inline(always)]
        pub(crate) fn $name(x: $t) -> Option<($t, u32)> {
            // trailing ones of x = trailing zeros of x + 1; capped so that 3^α fits
            let a = x.trailing_ones().min($max_run);
            // (x + 1) / 2^α, exact, times 3^α
            let v = ((x >> a) + 1).checked_mul(POW3[a as usize] as $t)?;
            Some((v - 1, a))
        }
    };
}
odd_run!(odd_run_u64, u64, 40);

/// The largest y with 3^a y < 2^128, for a <= 40.
const FITS_U128: [u128; 41] = {
    let mut t = [0u128; 41];
    let mut i = 0;
    while i <= 40 {
        t[i] = u128::MAX / POW3[i];
        i += 1;
    }
    t
};

/// The odd run of a u128 value (capped at α = 80 so that 3^α fits): as [`odd_run_u64`]. Runs of
/// at most 40 steps (all but about one in 10^12) multiply by a 64-bit 3^α, checked against a
/// table, which costs two multiplies where a checked 128 x 128-bit product costs more.
#[inline(always)]
pub(crate) fn odd_run_u128(x: u128) -> Option<(u128, u32)> {
    let a = x.trailing_ones().min(80);
    // (x + 1) / 2^α, exact
    let y = (x >> a) + 1;
    let v = if a <= 40 {
        if y > FITS_U128[a as usize] {
            return None;
        }
        y * (POW3[a as usize] as u64 as u128)
    } else {
        y.checked_mul(POW3[a as usize])?
    };
    Some((v - 1, a))
}

/// One T-step on the residue r, branch-free: `(T(r), 1)` for odd r, where
/// T(r) = (3r + 1)/2 = r + (r >> 1) + 1, and `(r >> 1, 0)` for even r. Needs r + (r >> 1) + 1 to
/// fit u64 (every r below 2^63 does).
#[inline(always)]
pub(crate) fn t_step(r: u64) -> (u64, u32) {
    let is_odd = r & 1;
    ((r >> 1) + is_odd * (r + 1), is_odd as u32)
}

/// k T-steps on the residue r ([`t_step`] k times): T^k(r) and the number of odd steps among
/// them. Needs every value on the way to fit u64 (r < 2^32 and k <= 32 do: T^k(r) < 3^k 2^(32-k)).
#[inline(always)]
pub(crate) fn residue_jump(mut r: u64, k: u32) -> (u64, u32) {
    let mut odd = 0;
    for _ in 0..k {
        let (next, o) = t_step(r);
        r = next;
        odd += o;
    }
    (r, odd)
}

/// The first k T-steps of the residue r ([`t_step`] k times), as (j, T^j(r), odd steps among
/// the first j) for j = 1..=k: for every x = q 2^k + r, T^j(x) = 3^c q 2^(k-j) + T^j(r) with c
/// the odd steps. Needs every value on the way to fit u64.
#[inline(always)]
pub(crate) fn residue_steps(r: u64, k: u32) -> impl Iterator<Item = (u32, u64, u32)> {
    (1..=k).scan((r, 0u32), |(x, c), j| {
        let (next, o) = t_step(*x);
        *x = next;
        *c += o;
        Some((j, *x, *c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// T by its definition.
    fn t(x: u128) -> u128 {
        if x % 2 == 1 {
            (3 * x + 1) >> 1
        } else {
            x >> 1
        }
    }

    #[test]
    fn an_odd_run_is_its_odd_steps_one_by_one() {
        // 27 = 11011b: two trailing ones, two odd steps: 27 -> 41 -> 62
        assert_eq!(odd_run_u64(27), Some((62, 2)));
        assert_eq!(odd_run_u64(1), Some((2, 1)));
        // even x: no step
        assert_eq!(odd_run_u64(40), Some((40, 0)));
        for x in (1u64..100_000)
            .step_by(2)
            .chain([(1 << 40) - 1, 0xFFFF_FFFF])
        {
            let (y, a) = odd_run_u64(x).unwrap();
            let mut z = x as u128;
            for _ in 0..a {
                assert_eq!(z % 2, 1, "x={x}");
                z = t(z);
            }
            assert_eq!(z, y as u128, "x={x}");
            // the run ends at an even value unless it was capped
            assert!(y % 2 == 0 || a == 40, "x={x}");
            assert_eq!(odd_run_u128(x as u128), Some((y as u128, a)), "x={x}");
        }
        // a run capped at 80 in u128 (in u64, a run of 41 ones overflows before the cap)
        assert_eq!(odd_run_u128((1 << 81) - 1).map(|(_, a)| a), Some(80));
    }

    #[test]
    fn an_odd_run_that_overflows_is_none() {
        assert_eq!(odd_run_u64(u64::MAX), None);
        assert_eq!(odd_run_u64(u64::MAX - 2), None);
        assert_eq!(odd_run_u128(u128::MAX), None);
        // the largest odd values whose single step fits
        assert!(odd_run_u64((u64::MAX / 3) & !2).is_some());
    }

    #[test]
    fn residue_steps_are_t_steps() {
        for r in (0u64..5000).chain([(1 << 32) - 1, 0xDEAD_BEEF]) {
            let (mut x, mut c) = (r as u128, 0);
            let steps: Vec<_> = residue_steps(r, 32).collect();
            for (j, &(i, y, odd)) in steps.iter().enumerate() {
                c += (x % 2) as u32;
                x = t(x);
                assert_eq!((i, y as u128, odd), (j as u32 + 1, x, c), "r={r}");
            }
            assert_eq!(steps.len(), 32);
            assert_eq!(residue_jump(r, 32), (x as u64, c), "r={r}");
            assert_eq!(t_step(r), (t(r as u128) as u64, (r % 2) as u32));
        }
        assert_eq!(residue_jump(27, 0), (27, 0));
        assert_eq!(residue_steps(27, 0).count(), 0);
    }
}
