//! The page allocator: one Wasm linear-memory region per allocator object.
//!
//! The C object lives in an [`AllocatorSlot`], which is either a `static`
//! (`Pin::static_ref`) or pinned on the stack (`core::pin::pin!`): once
//! initialised it never moves, and dropping a pinned slot destroys the C
//! object (unmapping any region still allocated). [`PageAllocator`] is a
//! `Copy` handle to an initialised slot. One C allocator is not for
//! concurrent use, so every call takes the slot for its duration; a call
//! from another thread meanwhile fails with [`Error::Busy`] and does nothing.

use core::cell::UnsafeCell;
use core::fmt;
use core::marker::{PhantomData, PhantomPinned};
use core::pin::Pin;
use core::ptr::{self, NonNull};
use core::sync::atomic::{AtomicU8, Ordering};

use wrt_platform_sys as sys;

use crate::error::{check, Error, Result};

/// Wasm page size in bytes.
pub const WASM_PAGE_SIZE: usize = sys::WRT_WASM_PAGE_SIZE as usize;

/// `guard_before` / `guard_after` value meaning "`guard_size` bytes".
pub const GUARD_FROM_SIZE: usize = sys::WRT_GUARD_FROM_SIZE;
/// `guard_reach` for 32-bit memories with guard-page bounds checks (8 GiB +
/// 64 KiB from the base; 64-bit hosts only).
#[cfg(target_pointer_width = "64")]
pub const WASM32_GUARD_REACH: usize = sys::WRT_WASM32_GUARD_REACH;

/// Where a region is (`wrt_region_info_t`), from
/// [`PageAllocator::query`]: low to high, `guard_start <= base <= base +
/// accessible <= reserved_end <= guard_end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionInfo {
    /// First byte of the linear memory.
    pub base: *mut u8,
    /// Bytes made accessible by allocate/grow.
    pub accessible: usize,
    /// End of the reservation (inaccessible beyond `base + accessible`).
    pub reserved_end: *mut u8,
    /// Start of the leading guard.
    pub guard_start: *mut u8,
    /// End of the trailing guard.
    pub guard_end: *mut u8,
}

impl RegionInfo {
    /// `addr` lies in the region's whole span, guards included
    /// (`wrt_region_info_contains`).
    #[must_use]
    pub fn contains(&self, addr: *const u8) -> bool {
        // SAFETY: a plain function of a value and an address (never read).
        unsafe { sys::wrt_region_info_contains(&self.raw(), addr.cast()) }
    }

    /// `addr` lies in the span but outside the accessible pages: a fault
    /// there is an out-of-bounds access of this memory
    /// (`wrt_region_info_in_guard`).
    #[must_use]
    pub fn in_guard(&self, addr: *const u8) -> bool {
        // SAFETY: as contains.
        unsafe { sys::wrt_region_info_in_guard(&self.raw(), addr.cast()) }
    }

    fn raw(&self) -> sys::wrt_region_info_t {
        sys::wrt_region_info_t {
            base: self.base,
            accessible: self.accessible,
            reserved_end: self.reserved_end,
            guard_start: self.guard_start,
            guard_end: self.guard_end,
        }
    }
}

/// Access rights for [`PageAllocator::protect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No access: any touch faults.
    None,
    /// Read only.
    Read,
    /// Read and write.
    ReadWrite,
}

impl Access {
    const fn raw(self) -> sys::wrt_mem_access {
        match self {
            Self::None => sys::WRT_MEM_NONE,
            Self::Read => sys::WRT_MEM_READ,
            Self::ReadWrite => sys::WRT_MEM_READ_WRITE,
        }
    }
}

/// How a region grows (`wrt_growth_strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Growth {
    /// Reserve the maximum up front and grow in place: the base never moves
    /// while the reservation covers the new size (default).
    #[default]
    Reserve,
    /// Map only what is used; a grow allocates, copies and frees (the base
    /// may move).
    Exact,
}

impl Growth {
    pub(crate) const fn raw(self) -> sys::wrt_growth_strategy {
        match self {
            Self::Reserve => sys::WRT_GROW_RESERVE,
            Self::Exact => sys::WRT_GROW_EXACT,
        }
    }
}

/// A region handed out by [`PageAllocator::allocate`] or `grow`: the base
/// (aligned to 64 KiB) and the accessible size in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// First byte of the linear memory.
    pub base: NonNull<u8>,
    /// Accessible bytes from `base` (pages × 64 KiB).
    pub size: usize,
}

mod sealed {
    pub trait Sealed {}
}

/// A page-allocator backend of the C library (sealed: [`crate::Linux`],
/// [`crate::Qnx`]).
pub trait AllocatorBackend: sealed::Sealed + 'static {
    /// The C object.
    #[doc(hidden)]
    type Raw;
    /// The Rust configuration.
    type Config: fmt::Debug;
    /// Backend name for `Debug`.
    #[doc(hidden)]
    const NAME: &'static str;
    #[doc(hidden)]
    const ZEROED: Self::Raw;
    /// # Safety
    /// `raw` is valid, pinned storage.
    #[doc(hidden)]
    unsafe fn init(raw: *mut Self::Raw, cfg: &Self::Config) -> sys::wrt_status;
    /// # Safety
    /// `raw` is valid storage that no other thread uses.
    #[doc(hidden)]
    unsafe fn destroy(raw: *mut Self::Raw);
    /// # Safety
    /// `raw` is valid storage.
    #[doc(hidden)]
    unsafe fn base(raw: *mut Self::Raw) -> *mut sys::wrt_page_allocator_t;
}

pub(crate) use sealed::Sealed;

const EMPTY: u8 = 0;
const INIT: u8 = 1;
const READY: u8 = 2;
const BUSY: u8 = 3;

/// What the handle remembers of the current region, for
/// [`PageAllocator::release`] (guarded by the slot's BUSY state).
#[derive(Clone, Copy)]
struct Tracked {
    base: *mut u8,
    size: usize,
    initial_size: usize,
}

const NO_REGION: Tracked = Tracked { base: ptr::null_mut(), size: 0, initial_size: 0 };

/// Storage for one C page allocator. See the module documentation.
pub struct AllocatorSlot<B: AllocatorBackend> {
    raw: UnsafeCell<B::Raw>,
    tracked: UnsafeCell<Tracked>,
    state: AtomicU8,
    _pin: PhantomPinned,
    _b: PhantomData<B>,
}

// SAFETY: every access to raw/tracked happens under the state machine
// (INIT or BUSY are held by exactly one thread); the C object has no thread
// affinity.
unsafe impl<B: AllocatorBackend> Sync for AllocatorSlot<B> {}
// SAFETY: as for Sync; an unpinned slot is never initialised.
unsafe impl<B: AllocatorBackend> Send for AllocatorSlot<B> {}

impl<B: AllocatorBackend> Default for AllocatorSlot<B> {
    fn default() -> Self {
        Self::new()
    }
}

impl<B: AllocatorBackend> AllocatorSlot<B> {
    /// Empty storage (usable in a `static`).
    #[must_use]
    pub const fn new() -> Self {
        Self {
            raw: UnsafeCell::new(B::ZEROED),
            tracked: UnsafeCell::new(NO_REGION),
            state: AtomicU8::new(EMPTY),
            _pin: PhantomPinned,
            _b: PhantomData,
        }
    }

    /// Initialises the C allocator with `cfg` and returns its handle.
    /// [`Error::State`] if the slot is already initialised; the C library's
    /// errors for a bad config (`InvalidArg`, ...), leaving the slot empty.
    pub fn init(self: Pin<&Self>, cfg: &B::Config) -> Result<PageAllocator<'_, B>> {
        let this = self.get_ref();
        if this.state.compare_exchange(EMPTY, INIT, Ordering::Acquire, Ordering::Relaxed).is_err() {
            return Err(Error::State);
        }
        // SAFETY: INIT is ours; the storage is pinned (self: Pin).
        let r = check(unsafe { B::init(this.raw.get(), cfg) });
        this.state.store(if r.is_ok() { READY } else { EMPTY }, Ordering::Release);
        r.map(|()| PageAllocator { slot: this })
    }

    /// The handle, if the slot is initialised.
    #[must_use]
    pub fn handle(self: Pin<&Self>) -> Option<PageAllocator<'_, B>> {
        let this = self.get_ref();
        matches!(this.state.load(Ordering::Acquire), READY | BUSY).then_some(PageAllocator { slot: this })
    }

    /// Destroys the C allocator (unmapping any region still allocated) and
    /// empties the slot for a new `init`. No handle can exist (`&mut`).
    pub fn reset(self: Pin<&mut Self>) {
        // SAFETY: nothing is moved out; we only touch fields in place.
        let this = unsafe { self.get_unchecked_mut() };
        this.destroy_in_place();
    }

    fn destroy_in_place(&mut self) {
        if *self.state.get_mut() != EMPTY {
            // SAFETY: &mut self: no other user; the storage never moved
            // since init (it was pinned).
            unsafe { B::destroy(self.raw.get()) };
            *self.tracked.get_mut() = NO_REGION;
            *self.state.get_mut() = EMPTY;
        }
    }
}

impl<B: AllocatorBackend> Drop for AllocatorSlot<B> {
    fn drop(&mut self) {
        self.destroy_in_place();
    }
}

impl<B: AllocatorBackend> fmt::Debug for AllocatorSlot<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AllocatorSlot")
            .field("backend", &B::NAME)
            .field("state", &self.state.load(Ordering::Relaxed))
            .finish()
    }
}

/// A handle to an initialised page allocator. `Copy`: every copy reaches
/// the same C object.
pub struct PageAllocator<'a, B: AllocatorBackend> {
    slot: &'a AllocatorSlot<B>,
}

impl<B: AllocatorBackend> Clone for PageAllocator<'_, B> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<B: AllocatorBackend> Copy for PageAllocator<'_, B> {}

impl<B: AllocatorBackend> fmt::Debug for PageAllocator<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageAllocator").field("backend", &B::NAME).finish_non_exhaustive()
    }
}

/// Exclusive use of the slot for one call.
struct Busy<'a, B: AllocatorBackend> {
    slot: &'a AllocatorSlot<B>,
}

impl<B: AllocatorBackend> Drop for Busy<'_, B> {
    fn drop(&mut self) {
        self.slot.state.store(READY, Ordering::Release);
    }
}

impl<B: AllocatorBackend> Busy<'_, B> {
    fn base(&self) -> *mut sys::wrt_page_allocator_t {
        // SAFETY: BUSY is ours and the slot is initialised and pinned.
        unsafe { B::base(self.slot.raw.get()) }
    }
    fn tracked(&mut self) -> &mut Tracked {
        // SAFETY: BUSY is ours: no other reference to tracked exists.
        unsafe { &mut *self.slot.tracked.get() }
    }
}

fn region(base: *mut u8, size: usize) -> Result<Region> {
    NonNull::new(base).map(|base| Region { base, size }).ok_or(Error::State)
}

impl<'a, B: AllocatorBackend> PageAllocator<'a, B> {
    fn take(&self) -> Result<Busy<'a, B>> {
        self.slot
            .state
            .compare_exchange(READY, BUSY, Ordering::Acquire, Ordering::Relaxed)
            .map(|_| Busy { slot: self.slot })
            .map_err(|_| Error::Busy)
    }

    /// Maps `initial_pages` zero-filled, read-write Wasm pages at a 64 KiB
    /// aligned base; `maximum_pages` bounds later growth (`None`: the
    /// allocator's configured `max_pages`; `Some(0)` is a real maximum of
    /// 0 pages). Errors as `wrt_page_allocator_allocate` (`InvalidArg`,
    /// `Limit`, `State` if a region is already allocated, `NoMemory`, ...).
    pub fn allocate(&self, initial_pages: u32, maximum_pages: Option<u32>) -> Result<Region> {
        let mut busy = self.take()?;
        let mut base = ptr::null_mut();
        let mut size = 0usize;
        let max = maximum_pages.unwrap_or(sys::WRT_MAX_PAGES_NONE);
        if maximum_pages.is_some() && max == sys::WRT_MAX_PAGES_NONE {
            // The C library reads u32::MAX as "none given" (it is above
            // every limit anyway): refuse it rather than change its meaning.
            return Err(Error::InvalidArg);
        }
        // SAFETY: the allocator is initialised; out-pointers are locals.
        check(unsafe { sys::wrt_page_allocator_allocate(busy.base(), initial_pages, max, &mut base, &mut size) })?;
        *busy.tracked() = Tracked { base, size, initial_size: size };
        region(base, size)
    }

    /// Adds `additional_pages` (0: reports the region). `current_pages` must
    /// be the current page count (else `InvalidArg`); past the maximum:
    /// `Limit`, nothing changed. The returned base differs from the old one
    /// only if the region had to move (`Growth::Exact`, or past a limited
    /// reservation).
    pub fn grow(&self, current_pages: u32, additional_pages: u32) -> Result<Region> {
        let mut busy = self.take()?;
        let mut base = ptr::null_mut();
        let mut size = 0usize;
        // SAFETY: the allocator is initialised; out-pointers are locals.
        check(unsafe {
            sys::wrt_page_allocator_grow(busy.base(), current_pages, additional_pages, &mut base, &mut size)
        })?;
        let t = busy.tracked();
        if t.base != base {
            // Moved: the old base is gone, so the initial size no longer
            // describes anything.
            t.initial_size = size;
        }
        t.base = base;
        t.size = size;
        region(base, size)
    }

    /// Changes the access of `[offset, offset + len)` inside the accessible
    /// region (multiples of the OS page, `len > 0`).
    ///
    /// Safe because it only changes what a later access through a raw
    /// pointer into the region does (a fault); it never invalidates Rust
    /// references, which the allocator does not hand out.
    pub fn protect(&self, offset: usize, len: usize, access: Access) -> Result<()> {
        let busy = self.take()?;
        // SAFETY: the allocator is initialised.
        check(unsafe { sys::wrt_page_allocator_protect(busy.base(), offset, len, access.raw()) })
    }

    /// Unmaps the region; `base` and `size` must be exactly the last ones
    /// returned (else `State`).
    ///
    /// # Safety
    /// No reference into the region may be used after this call.
    pub unsafe fn deallocate(&self, base: NonNull<u8>, size: usize) -> Result<()> {
        let mut busy = self.take()?;
        // SAFETY: the allocator is initialised; the caller vouches for the
        // region's users.
        check(unsafe { sys::wrt_page_allocator_deallocate(busy.base(), base.as_ptr(), size) })?;
        *busy.tracked() = NO_REGION;
        Ok(())
    }

    /// As [`deallocate`](Self::deallocate), but `size` may also be the size
    /// that `allocate` returned for this region, although it has grown (in
    /// place) since: that is how WRT's `PalMemoryProvider` releases its
    /// memory. The whole current region is released. Any other size, or a
    /// base that is not the current one: `State`, nothing done.
    ///
    /// # Safety
    /// As [`deallocate`](Self::deallocate).
    pub unsafe fn release(&self, base: NonNull<u8>, size: usize) -> Result<()> {
        let mut busy = self.take()?;
        let t = *busy.tracked();
        if t.base != base.as_ptr() || (size != t.size && size != t.initial_size) {
            return Err(Error::State);
        }
        // SAFETY: as deallocate; base and size are the C allocator's current ones.
        check(unsafe { sys::wrt_page_allocator_deallocate(busy.base(), t.base, t.size) })?;
        *busy.tracked() = NO_REGION;
        Ok(())
    }

    /// Where the region is now (`wrt_page_allocator_query`): `State` when no
    /// region is allocated. Lock-free and async-signal-safe in C; it does
    /// not take the allocator, so it works while another thread grows.
    pub fn query(&self) -> Result<RegionInfo> {
        let mut out = sys::wrt_region_info_t {
            base: ptr::null_mut(),
            accessible: 0,
            reserved_end: ptr::null_mut(),
            guard_start: ptr::null_mut(),
            guard_end: ptr::null_mut(),
        };
        // SAFETY: the slot is initialised and pinned; the C query may run
        // concurrently with any call but init/destroy, which need the slot
        // empty or &mut.
        check(unsafe { sys::wrt_page_allocator_query(B::base(self.slot.raw.get()), &mut out) })?;
        Ok(RegionInfo {
            base: out.base,
            accessible: out.accessible,
            reserved_end: out.reserved_end,
            guard_start: out.guard_start,
            guard_end: out.guard_end,
        })
    }

    /// Runs `f` on the backend's C object while holding the allocator.
    pub(crate) fn with_raw<R>(&self, f: impl FnOnce(*mut B::Raw) -> R) -> Result<R> {
        let busy = self.take()?;
        Ok(f(busy.slot.raw.get()))
    }

    /// The C object's `wrt_page_allocator_t`, for C code that takes one
    /// (e.g. a wasm2c runtime). The caller must not use it concurrently
    /// with this handle.
    #[must_use]
    pub fn as_raw(&self) -> *mut sys::wrt_page_allocator_t {
        // SAFETY: the slot is initialised and pinned.
        unsafe { B::base(self.slot.raw.get()) }
    }
}
