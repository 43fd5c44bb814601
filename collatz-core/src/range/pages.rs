//! Memory for the engine's large tables: zeroed columns that fail with an error rather than an
//! abort ([`zeroed`]), and transparent huge pages ([`advise_huge`]).
//!
//! The memo is read at random (the n = 3 (mod 4) lookups land anywhere below n), so with 4 KiB
//! pages nearly every lookup also misses the TLB. On Linux, where transparent huge pages are
//! commonly in `madvise` mode, the engine reserves each large table at its final size first and
//! asks for 2 MiB pages before touching it. Elsewhere this is a no-op.
//!
//! When it runs: once per column or memo table, as it is allocated. It costs one `madvise`.

use crate::error::{Error, Result};

/// Tables smaller than this are left alone.
const MIN_BYTES: usize = 8 << 20;

/// Advises the kernel to back `v`'s whole capacity with huge pages. Call it right after
/// reserving and before writing: pages already touched stay as they are.
pub(crate) fn advise_huge<T>(v: &Vec<T>) {
    let bytes = v.capacity() * std::mem::size_of::<T>();
    if bytes < MIN_BYTES {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let start = v.as_ptr() as usize;
        let first = start.next_multiple_of(PAGE);
        let last = (start + bytes) / PAGE * PAGE;
        if last > first {
            #[allow(unsafe_code)]
            // SAFETY: madvise with MADV_HUGEPAGE only changes how the kernel backs these
            // pages, never their contents or their mapping; [first, last) is page-aligned and
            // lies inside the Vec's own allocation. A failure (no THP support) is harmless and
            // ignored.
            unsafe {
                libc::madvise(
                    first as *mut libc::c_void,
                    last - first,
                    libc::MADV_HUGEPAGE,
                );
            }
        }
    }
}

/// A zeroed column of `len` entries if `wanted`; an error rather than an abort when the
/// memory cannot be reserved.
pub(super) fn zeroed<T: Clone + Default>(wanted: bool, len: usize) -> Result<Option<Vec<T>>> {
    if !wanted {
        return Ok(None);
    }
    // first make sure the memory can be had (an error, not an abort) ...
    let mut probe: Vec<T> = Vec::new();
    probe
        .try_reserve_exact(len)
        .map_err(|_| Error::OutOfMemory {
            what: "a column",
            bytes: (len as u64).saturating_mul(std::mem::size_of::<T>() as u64),
        })?;
    drop(probe);
    // ... then take it zeroed: `vec![0; len]` asks the allocator for zeroed memory, which for
    // large tables is fresh pages the kernel zeroes on first touch, so the columns are not
    // written twice (once with zeros, once by the engine)
    let v = vec![T::default(); len];
    advise_huge(&v);
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advising_keeps_contents_and_allows_growth() {
        let mut v: Vec<u16> = Vec::with_capacity(16 << 20);
        v.extend((0..1000u16).map(|i| i * 3));
        advise_huge(&v);
        assert_eq!(v[999], 2997);
        v.resize(16 << 20, 7);
        assert_eq!(v[999], 2997);
        assert_eq!(v[(16 << 20) - 1], 7);
        // small, empty and zero-sized cases do nothing
        advise_huge(&Vec::<u64>::new());
        advise_huge(&vec![1u8; 10]);
        advise_huge(&Vec::<()>::with_capacity(1 << 30));
    }
}
