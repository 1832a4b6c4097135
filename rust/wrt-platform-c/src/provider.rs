//! Checksummed memory writes (`wrt/atomic_memory.h`): a region with one
//! CRC-32C per block, every write through the provider updating the
//! checksums under a [`FutexMutex`], so that a change made behind its back shows
//! as [`Error::Corrupt`](crate::Error::Corrupt) in `verify` or a verifying
//! read.

use core::fmt;
use core::marker::PhantomData;
use core::ptr::NonNull;

use wrt_platform_sys as sys;

use crate::cobject::CObject;
use crate::error::{check, Result};
use crate::mutex::FutexMutex;

pub use sys::{wrt_provider_blocks_for as blocks_for, WRT_PROVIDER_DEFAULT_BLOCK_SIZE as DEFAULT_BLOCK_SIZE};

/// A `wrt_provider_t` over a region, a checksum array and a mutex.
pub struct ChecksumProvider<'a> {
    raw: CObject<sys::wrt_provider_t>,
    _borrows: PhantomData<(&'a FutexMutex<'a>, &'a mut [u32])>,
}

// SAFETY: every `&self` method is one C call, and wrt/atomic_memory.h says
// "Concurrent provider calls are safe with each other": the provider takes its wrt_mutex_t (a
// FutexMutex borrowed for 'a, which no one else can unlock: no handle to
// its futex exists) around every read, write, verify and flag change, and
// first_bad_block reads an atomic. `resize`, the one call that changes the
// region's pointers, takes `&mut self`.
unsafe impl Sync for ChecksumProvider<'_> {}
// Send: by the compiler's rules (CObject is Send: src/cobject.rs; the
// borrows are of Sync types).

impl fmt::Debug for ChecksumProvider<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChecksumProvider").finish_non_exhaustive()
    }
}

impl<'a> ChecksumProvider<'a> {
    /// Wraps `[base, base + size)` and checksums it into `checksums` (at
    /// least `blocks_for(size, block_size)` entries; more leave room for
    /// `resize`). `block_size`: a power of two >= 64. Reads and writes are
    /// not verified until switched on.
    ///
    /// # Safety
    /// `[base, base + size)` is readable and writable memory that stays
    /// mapped for `'a` (e.g. a region of a page allocator that is not
    /// deallocated meanwhile) and that Rust code does not hold references
    /// into while the provider writes.
    pub unsafe fn new(
        base: NonNull<u8>,
        size: usize,
        checksums: &'a mut [u32],
        block_size: usize,
        lock: &'a FutexMutex<'a>,
    ) -> Result<Self> {
        let p = Self { raw: CObject::new(sys::wrt_provider_t::ZEROED), _borrows: PhantomData };
        // SAFETY: the region as the caller vouches; the array and the lock
        // are borrowed for 'a.
        check(unsafe {
            sys::wrt_provider_init(
                p.raw.get(),
                base.as_ptr(),
                size,
                checksums.as_mut_ptr(),
                checksums.len(),
                block_size,
                lock.as_raw(),
            )
        })?;
        Ok(p)
    }

    /// Verify the touched blocks before every read.
    pub fn set_verify_reads(&self, on: bool) -> Result<()> {
        // SAFETY: initialised by new.
        check(unsafe { sys::wrt_provider_set_verify_reads(self.raw.get(), on) })
    }

    /// Verify the touched blocks before every write (a damaged block then
    /// refuses the write).
    pub fn set_verify_writes(&self, on: bool) -> Result<()> {
        // SAFETY: initialised by new.
        check(unsafe { sys::wrt_provider_set_verify_writes(self.raw.get(), on) })
    }

    /// Copies `src` to `offset` and updates the checksums, under the lock.
    pub fn write(&self, offset: usize, src: &[u8]) -> Result<()> {
        // SAFETY: initialised; src is valid for its length.
        check(unsafe { sys::wrt_atomic_write(self.raw.get(), offset, src.as_ptr(), src.len()) })
    }

    /// Copies from `offset` into `dst` under the lock (verifying first if
    /// switched on; `dst` is untouched on `Corrupt`).
    pub fn read(&self, offset: usize, dst: &mut [u8]) -> Result<()> {
        // SAFETY: initialised; dst is valid for its length.
        check(unsafe { sys::wrt_atomic_read(self.raw.get(), offset, dst.as_mut_ptr(), dst.len()) })
    }

    /// Checks every block: `Ok`, or `Corrupt` with the lowest bad block
    /// recorded for [`first_bad_block`](Self::first_bad_block).
    pub fn verify(&self) -> Result<()> {
        // SAFETY: initialised by new.
        check(unsafe { sys::wrt_provider_verify(self.raw.get()) })
    }

    /// The block of the most recent mismatch found, if any.
    #[must_use]
    pub fn first_bad_block(&self) -> Option<usize> {
        // SAFETY: initialised by new.
        let b = unsafe { sys::wrt_provider_first_bad_block(self.raw.get()) };
        (b != sys::WRT_PROVIDER_NO_BAD_BLOCK).then_some(b)
    }

    /// Follows a grow of the region to `[new_base, new_base + new_size)`
    /// (`new_size` >= the old size), keeping the checksum array (which must
    /// be large enough).
    ///
    /// # Safety
    /// As [`new`](Self::new), for the new region; the old bytes must be at
    /// the start of it, followed by zeros.
    pub unsafe fn resize(&mut self, new_base: NonNull<u8>, new_size: usize) -> Result<()> {
        // SAFETY: as the caller vouches.
        check(unsafe {
            sys::wrt_provider_resize(self.raw.get(), new_base.as_ptr(), new_size, core::ptr::null_mut(), 0)
        })
    }
}
