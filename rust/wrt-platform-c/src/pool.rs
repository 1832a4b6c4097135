//! The slot pool (`include/wrt/pool.h`, issue 25): N linear-memory slots
//! reserved in one mapping at init, so that instantiating a Wasm memory
//! makes no mmap/munmap. A [`PooledMemory`] is one acquired slot: a page
//! allocator with the same calls as [`crate::AllocatorHandle`] (allocate,
//! grow, protect, deallocate, query, `as_raw` for C code), given back to
//! the pool when dropped. A released slot is zeroed (its keep-resident
//! bytes in place, the rest decommitted) and its pages beyond a new
//! region's size are inaccessible again.
//!
//! The storage ([`PoolStorage`]) is a `static` (`Pin::static_ref`) or
//! pinned on the stack; `no_std`, no heap. Acquire and release are
//! lock-free in C, so a `Pool` handle is `Copy` and may be used from any
//! thread at once; one `PooledMemory` is used by one thread at a time
//! (`&mut self`).

use core::fmt;
use core::marker::PhantomPinned;
use core::pin::Pin;
use core::ptr;
use core::sync::atomic::{AtomicU8, Ordering};

use wrt_platform_sys as sys;

use crate::cobject::CObject;
use crate::error::{check, Error, Result};
use crate::memory::{next_allocation_id, region, Access, Region, RegionInfo};

/// The pool's configuration (`wrt_pool_config_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolConfig {
    /// Wasm pages per slot, 1..=65536 (default 65536).
    pub slot_pages: u32,
    /// Leading guard bytes per slot (multiple of the OS page; default 64 KiB).
    pub guard_before: usize,
    /// Trailing guard bytes per slot (default 64 KiB).
    pub guard_after: usize,
    /// 0, or the least span from a base covered by the slot and its
    /// trailing guard ([`crate::memory::WASM32_GUARD_REACH`] for 32-bit
    /// memories with guard-page bounds checks). Default 0.
    pub guard_reach: usize,
    /// Bytes from each slot's base zeroed in place at release instead of
    /// decommitted (default 0).
    pub keep_resident: usize,
    /// Only for a runtime that checks every access against the size itself:
    /// committed pages are never made inaccessible again, so a cycle that
    /// fits what a slot held makes no system call (bytes past a live
    /// region's size stay read-write and read zero). Default false: a
    /// runtime relying on guard pages needs every byte past the size to
    /// fault.
    pub software_bounds: bool,
}

impl Default for PoolConfig {
    fn default() -> Self {
        // SAFETY: a pure function returning a value.
        let c = unsafe { sys::wrt_pool_config_default() };
        Self {
            slot_pages: c.slot_pages,
            guard_before: c.guard_before,
            guard_after: c.guard_after,
            guard_reach: c.guard_reach,
            keep_resident: c.keep_resident,
            software_bounds: c.software_bounds,
        }
    }
}

impl PoolConfig {
    fn raw(&self) -> sys::wrt_pool_config_t {
        sys::wrt_pool_config_t {
            slot_pages: self.slot_pages,
            guard_before: self.guard_before,
            guard_after: self.guard_after,
            guard_reach: self.guard_reach,
            keep_resident: self.keep_resident,
            software_bounds: self.software_bounds,
        }
    }
}

const EMPTY: u8 = 0;
const INIT: u8 = 1;
const READY: u8 = 2;

/// Storage for a pool of `N` slots (the pool object and its slot table).
pub struct PoolStorage<const N: usize> {
    pool: CObject<sys::wrt_pool_t>,
    slots: CObject<[sys::wrt_pool_slot_t; N]>,
    state: AtomicU8,
    _pin: PhantomPinned,
}

// SAFETY: init and destroy run under the state machine (INIT held by one
// thread, destroy needs &mut); everything else is the C pool's lock-free
// acquire/release and per-slot calls made through a PooledMemory, which is
// used by one thread at a time (&mut self).
// (Send comes from CObject: see src/cobject.rs.)
unsafe impl<const N: usize> Sync for PoolStorage<N> {}

impl<const N: usize> Default for PoolStorage<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> PoolStorage<N> {
    /// Empty storage (usable in a `static`).
    #[must_use]
    pub const fn new() -> Self {
        Self {
            pool: CObject::new(sys::wrt_pool_t::ZEROED),
            slots: CObject::new([const { sys::wrt_pool_slot_t::ZEROED }; N]),
            state: AtomicU8::new(EMPTY),
            _pin: PhantomPinned,
        }
    }

    fn init_with(
        self: Pin<&Self>,
        f: impl FnOnce(*mut sys::wrt_pool_t, *mut sys::wrt_pool_slot_t, u32) -> sys::wrt_status,
    ) -> Result<Pool<'_>> {
        let this = self.get_ref();
        let n = u32::try_from(N).map_err(|_| Error::InvalidArg)?;
        if this.state.compare_exchange(EMPTY, INIT, Ordering::Acquire, Ordering::Relaxed).is_err() {
            return Err(Error::State);
        }
        let r = check(f(this.pool.get(), this.slots.get().cast(), n));
        this.state.store(if r.is_ok() { READY } else { EMPTY }, Ordering::Release);
        r.map(|()| Pool { storage: this.pool.get(), _l: core::marker::PhantomData })
    }

    /// Reserves the pool on the Linux backend (one mmap).
    #[cfg(target_os = "linux")]
    pub fn init_linux(self: Pin<&Self>, cfg: &PoolConfig) -> Result<Pool<'_>> {
        let raw = cfg.raw();
        // SAFETY: INIT is ours (init_with); the storage is pinned.
        self.init_with(|p, s, n| unsafe { sys::wrt_linux_pool_init(p, s, n, &raw) })
    }

    /// Reserves the pool on the QNX backend (on the Neutrino host model
    /// off QNX).
    #[cfg(any(target_os = "nto", feature = "qnx-model"))]
    pub fn init_qnx(self: Pin<&Self>, cfg: &PoolConfig) -> Result<Pool<'_>> {
        let raw = cfg.raw();
        // SAFETY: as init_linux.
        self.init_with(|p, s, n| unsafe { sys::wrt_qnx_pool_init(p, s, n, &raw) })
    }

    /// Unmaps the pool and empties the storage for a new init. `State` if
    /// a slot is still acquired (possible only after a release failed in a
    /// `PooledMemory`'s drop): nothing changed.
    pub fn reset(self: Pin<&mut Self>) -> Result<()> {
        // SAFETY: nothing is moved out; fields are touched in place.
        let this = unsafe { self.get_unchecked_mut() };
        this.destroy_in_place()
    }

    fn destroy_in_place(&mut self) -> Result<()> {
        if *self.state.get_mut() == READY {
            // SAFETY: &mut self: no handle exists; the storage never moved.
            check(unsafe { sys::wrt_pool_destroy(self.pool.get()) })?;
            *self.state.get_mut() = EMPTY;
        }
        Ok(())
    }
}

impl<const N: usize> Drop for PoolStorage<N> {
    fn drop(&mut self) {
        // A slot still acquired (a failed release) leaks the reservation:
        // unmapping it under a live region would be worse.
        let _ = self.destroy_in_place();
    }
}

impl<const N: usize> fmt::Debug for PoolStorage<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolStorage").field("slots", &N).finish_non_exhaustive()
    }
}

/// A handle to an initialised pool; `Copy`, usable from any thread.
#[derive(Clone, Copy)]
pub struct Pool<'a> {
    storage: *mut sys::wrt_pool_t,
    _l: core::marker::PhantomData<&'a ()>,
}

// SAFETY: the C pool's acquire, release and counters are lock-free and
// thread-safe (pool.h); the storage outlives 'a.
unsafe impl Send for Pool<'_> {}
// SAFETY: as Send.
unsafe impl Sync for Pool<'_> {}

impl fmt::Debug for Pool<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool").field("in_use", &self.in_use()).finish_non_exhaustive()
    }
}

impl<'a> Pool<'a> {
    /// A free slot, no region allocated yet. `Limit` when every slot is
    /// acquired. No system call.
    pub fn acquire(&self) -> Result<PooledMemory<'a>> {
        let mut a = ptr::null_mut();
        // SAFETY: the pool is initialised and pinned for 'a.
        check(unsafe { sys::wrt_pool_acquire(self.storage, &mut a) })?;
        Ok(PooledMemory { pool: *self, raw: a, region: None })
    }

    /// Slots acquired now.
    #[must_use]
    pub fn in_use(&self) -> u32 {
        // SAFETY: the pool is initialised.
        unsafe { sys::wrt_pool_in_use(self.storage) }
    }

    /// Slots in all.
    #[must_use]
    pub fn slot_count(&self) -> u32 {
        // SAFETY: the pool is initialised.
        unsafe { sys::wrt_pool_slot_count(self.storage) }
    }
}

/// One acquired slot, a page allocator for one linear memory; released
/// (zeroed, decommitted) when dropped.
pub struct PooledMemory<'a> {
    pool: Pool<'a>,
    raw: *mut sys::wrt_page_allocator_t,
    region: Option<Region>,
}

// SAFETY: a slot has no thread affinity; &mut self serialises its calls.
unsafe impl Send for PooledMemory<'_> {}

impl fmt::Debug for PooledMemory<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PooledMemory").field("region", &self.region).finish_non_exhaustive()
    }
}


impl PooledMemory<'_> {
    /// Commits `initial_pages` zeroed pages; `maximum_pages` (`None`: the
    /// slot's pages) must fit in the slot (else `Limit`).
    pub fn allocate(&mut self, initial_pages: u32, maximum_pages: Option<u32>) -> Result<Region> {
        let max = maximum_pages.unwrap_or(sys::WRT_MAX_PAGES_NONE);
        if maximum_pages.is_some() && max == sys::WRT_MAX_PAGES_NONE {
            return Err(Error::InvalidArg);
        }
        let mut base = ptr::null_mut();
        let mut size = 0usize;
        // SAFETY: the slot is acquired and ours (&mut self); out-pointers are locals.
        check(unsafe { sys::wrt_page_allocator_allocate(self.raw, initial_pages, max, &mut base, &mut size) })?;
        let r = region(base, size, next_allocation_id())?;
        self.region = Some(r);
        Ok(r)
    }

    /// Commits `additional_pages` more in place (`Limit` past the region's
    /// maximum or the slot; the base never moves).
    pub fn grow(&mut self, current_pages: u32, additional_pages: u32) -> Result<Region> {
        let mut base = ptr::null_mut();
        let mut size = 0usize;
        // SAFETY: as allocate.
        check(unsafe {
            sys::wrt_page_allocator_grow(self.raw, current_pages, additional_pages, &mut base, &mut size)
        })?;
        let id = self.region.map_or_else(next_allocation_id, |r| r.id.raw());
        let r = region(base, size, id)?;
        self.region = Some(r);
        Ok(r)
    }

    /// As [`crate::AllocatorHandle::protect`].
    ///
    /// # Safety
    /// As there: no reference into the range may be used afterwards in a way
    /// the new access forbids (issue 23 item 3).
    pub unsafe fn protect(&mut self, offset: usize, len: usize, access: Access) -> Result<()> {
        // SAFETY: the slot is acquired and ours; the caller vouches for the
        // references into the range.
        check(unsafe { sys::wrt_page_allocator_protect(self.raw, offset, len, access.raw()) })
    }

    /// Decommits the region (the slot stays acquired).
    ///
    /// # Safety
    /// No reference into the region may be used after this call.
    pub unsafe fn deallocate(&mut self) -> Result<()> {
        let r = self.region.ok_or(Error::State)?;
        // SAFETY: the slot is ours; base and size are the C allocator's current ones.
        check(unsafe { sys::wrt_page_allocator_deallocate(self.raw, r.base.as_ptr(), r.size) })?;
        self.region = None;
        Ok(())
    }

    /// Where the region is now (`State` when none).
    pub fn query(&self) -> Result<RegionInfo> {
        // SAFETY: the slot is acquired; the query is lock-free in C.
        unsafe { RegionInfo::query(self.raw) }
    }

    /// The slot's `wrt_page_allocator_t`, for C code that takes one (e.g.
    /// a wasm2c runtime); not to be used concurrently with this handle or
    /// after it is dropped.
    #[must_use]
    pub fn as_raw(&self) -> *mut sys::wrt_page_allocator_t {
        self.raw
    }

    /// Gives the slot back now, reporting a failed decommit (the slot then
    /// stays acquired and is leaked by this handle).
    ///
    /// # Safety
    /// No reference into the region may be used after this call.
    pub unsafe fn release(mut self) -> Result<()> {
        let raw = core::mem::replace(&mut self.raw, ptr::null_mut());
        // SAFETY: the slot is ours and acquired from this pool.
        check(unsafe { sys::wrt_pool_release(self.pool.storage, raw) })
    }
}

impl Drop for PooledMemory<'_> {
    fn drop(&mut self) {
        if !self.raw.is_null() {
            // SAFETY: the slot is ours; a region still allocated is
            // decommitted by the release: the handle's Region values hold
            // raw pointers only (no Rust reference into it exists).
            let _ = unsafe { sys::wrt_pool_release(self.pool.storage, self.raw) };
        }
    }
}
