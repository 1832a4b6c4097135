//! The page allocator: one Wasm linear-memory region per allocator object.
//!
//! The C object lives in an [`AllocatorSlot`], which is either a `static`
//! (`Pin::static_ref`) or pinned on the stack (`core::pin::pin!`): once
//! initialised it never moves, and dropping a pinned slot destroys the C
//! object (unmapping any region still allocated). [`AllocatorHandle`] is a
//! `Copy` handle to an initialised slot. One C allocator is not for
//! concurrent use, so every call takes the slot for its duration; a call
//! from another thread meanwhile fails with [`Error::Busy`] and does nothing.

use core::cell::UnsafeCell;
use core::fmt;
use core::marker::{PhantomData, PhantomPinned};
use core::pin::Pin;
use core::ptr::{self, NonNull};
use core::sync::atomic::{AtomicU64, AtomicU8, Ordering};

use wrt_platform_sys as sys;

use crate::cobject::{CObject, CType};
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
/// [`AllocatorHandle::query`]: low to high, `guard_start <= base <= base +
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

    /// `wrt_page_allocator_query` on `a`, converted.
    ///
    /// # Safety
    /// `a` is a live, initialised allocator that nobody destroys during the
    /// call (the C query itself is lock-free and may run beside any other
    /// call on it).
    pub(crate) unsafe fn query(a: *const sys::wrt_page_allocator_t) -> Result<Self> {
        let mut out = sys::wrt_region_info_t {
            base: ptr::null_mut(),
            accessible: 0,
            reserved_end: ptr::null_mut(),
            guard_start: ptr::null_mut(),
            guard_end: ptr::null_mut(),
        };
        // SAFETY: a is live and initialised (the caller's contract); out is
        // a local the call fills.
        check(unsafe { sys::wrt_page_allocator_query(a, &mut out) })?;
        Ok(Self {
            base: out.base,
            accessible: out.accessible,
            reserved_end: out.reserved_end,
            guard_start: out.guard_start,
            guard_end: out.guard_end,
        })
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

// SAFETY: a RegionInfo is a set of addresses (plain values); nothing here
// dereferences them, and every way to do so (a raw pointer read, a slice
// made from `base`) is unsafe code that must argue the memory is live on
// its own thread. Being !Send only made it unusable in a fault handler on
// another thread or in a Mutex-guarded table (issue 23 item 6).
unsafe impl Send for RegionInfo {}
// SAFETY: as Send: `&RegionInfo` gives only the same addresses.
unsafe impl Sync for RegionInfo {}

/// Access rights for [`AllocatorHandle::protect`].
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
    pub(crate) const fn raw(self) -> sys::wrt_mem_access {
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

/// A region handed out by [`AllocatorHandle::allocate`] or `grow`: the base
/// (aligned to 64 KiB), the accessible size in bytes and the identity of
/// the allocation it belongs to.
///
/// `Send` and `Sync`: it is an address and a size (see [`RegionInfo`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// First byte of the linear memory.
    pub base: NonNull<u8>,
    /// Accessible bytes from `base` (pages × 64 KiB).
    pub size: usize,
    /// Which allocation of the slot this is: the same for every grow of
    /// it, never given to another allocation of the same slot (a later
    /// region at the same base included). [`AllocatorHandle::release`]
    /// refuses any other.
    pub id: AllocationId,
}

// SAFETY: as for RegionInfo: an address and two numbers, never dereferenced
// here.
unsafe impl Send for Region {}
// SAFETY: as Send.
unsafe impl Sync for Region {}

/// The identity of one allocation (see [`Region::id`]): unique in the
/// process, so neither a later allocation of the same slot nor one of
/// another slot has it. Only the crate makes one, so a release cannot name
/// an allocation it was not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AllocationId(u64);

impl AllocationId {
    pub(crate) const fn raw(self) -> u64 {
        self.0
    }
}

/// The last [`AllocationId`] given. Process-wide mutable state, on purpose:
/// ids must differ across slots too (a `Region` of one slot handed to
/// another slot's `release`, after the first region was unmapped and the
/// second got its base). One relaxed increment per allocate; a u64 counted
/// that way does not wrap.
static LAST_ALLOCATION_ID: AtomicU64 = AtomicU64::new(0);

/// A new allocation id (1, 2, ...), for every kind of slot (the pool's too).
pub(crate) fn next_allocation_id() -> u64 {
    LAST_ALLOCATION_ID.fetch_add(1, Ordering::Relaxed) + 1
}

mod sealed {
    pub trait Sealed {}
}

/// A page-allocator backend of the C library (sealed: [`crate::Linux`],
/// [`crate::Qnx`]).
pub trait AllocatorBackend: sealed::Sealed + 'static {
    /// The C object.
    #[doc(hidden)]
    type Raw: CType;
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

/// What the slot remembers of the current region, for
/// [`AllocatorHandle::release`] (guarded by the slot's BUSY state).
#[derive(Clone, Copy)]
struct Tracked {
    /// An address, never dereferenced (so a usize: the slot stays Send).
    base: usize,
    size: usize,
    initial_size: usize,
    /// The current allocation's id (0: none; ids start at 1).
    id: u64,
}

const NO_REGION: Tracked = Tracked { base: 0, size: 0, initial_size: 0, id: 0 };

/// Storage for one C page allocator. See the module documentation.
pub struct AllocatorSlot<B: AllocatorBackend> {
    raw: CObject<B::Raw>,
    tracked: UnsafeCell<Tracked>,
    state: AtomicU8,
    _pin: PhantomPinned,
    _b: PhantomData<B>,
}

// SAFETY: `raw` and `tracked` are only used by the thread that holds the
// slot's state at INIT or BUSY (won by compare-exchange from EMPTY or
// READY, so one thread at a time; the Release store that gives it back
// orders its writes before the next holder's Acquire), or through `&mut
// self` (reset, Drop). That is the rule of wrt/memory.h ("Thread safety":
// allocate, grow, protect, deallocate, init and destroy of one object must
// not run concurrently; the caller serialises them), and the C allocator
// has no thread affinity beyond it ("one region owned by one thread at a
// time": any thread, in turn). The one call made without the state,
// `wrt_page_allocator_query`, "may run at any time, from any thread [...]
// concurrently with one of those (not with init or destroy)": init runs
// before a handle exists and destroy needs `&mut`. `tracked.base` is a
// plain address that this crate never dereferences.
unsafe impl<B: AllocatorBackend> Sync for AllocatorSlot<B> {}
// Send: by the compiler's rules (CObject is Send; see src/cobject.rs).

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
            raw: CObject::new(B::ZEROED),
            tracked: UnsafeCell::new(NO_REGION),
            state: AtomicU8::new(EMPTY),
            _pin: PhantomPinned,
            _b: PhantomData,
        }
    }

    /// Initialises the C allocator with `cfg` and returns its handle.
    /// [`Error::State`] if the slot is already initialised; the C library's
    /// errors for a bad config (`InvalidArg`, ...), leaving the slot empty.
    pub fn init(self: Pin<&Self>, cfg: &B::Config) -> Result<AllocatorHandle<'_, B>> {
        let this = self.get_ref();
        if this.state.compare_exchange(EMPTY, INIT, Ordering::Acquire, Ordering::Relaxed).is_err() {
            return Err(Error::State);
        }
        // SAFETY: INIT is ours; the storage is pinned (self: Pin).
        let r = check(unsafe { B::init(this.raw.get(), cfg) });
        this.state.store(if r.is_ok() { READY } else { EMPTY }, Ordering::Release);
        r.map(|()| AllocatorHandle { slot: this })
    }

    /// The handle, if the slot is initialised.
    #[must_use]
    pub fn handle(self: Pin<&Self>) -> Option<AllocatorHandle<'_, B>> {
        let this = self.get_ref();
        matches!(this.state.load(Ordering::Acquire), READY | BUSY).then_some(AllocatorHandle { slot: this })
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
            clear(self.tracked.get_mut());
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
pub struct AllocatorHandle<'a, B: AllocatorBackend> {
    slot: &'a AllocatorSlot<B>,
}

impl<B: AllocatorBackend> Clone for AllocatorHandle<'_, B> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<B: AllocatorBackend> Copy for AllocatorHandle<'_, B> {}

impl<B: AllocatorBackend> fmt::Debug for AllocatorHandle<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AllocatorHandle").field("backend", &B::NAME).finish_non_exhaustive()
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

pub(crate) fn region(base: *mut u8, size: usize, id: u64) -> Result<Region> {
    NonNull::new(base).map(|base| Region { base, size, id: AllocationId(id) }).ok_or(Error::State)
}

/// Forgets the current region.
fn clear(t: &mut Tracked) {
    *t = NO_REGION;
}

impl<'a, B: AllocatorBackend> AllocatorHandle<'a, B> {
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
        let id = next_allocation_id();
        *busy.tracked() = Tracked { base: base as usize, size, initial_size: size, id };
        region(base, size, id)
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
        if t.base != base as usize {
            // Moved: the old base is gone, so the initial size no longer
            // describes anything.
            t.initial_size = size;
        }
        t.base = base as usize;
        t.size = size;
        region(base, size, t.id)
    }

    /// Changes the access of `[offset, offset + len)` inside the accessible
    /// region (multiples of the OS page, `len > 0`).
    ///
    /// # Safety
    /// No Rust reference into `[base + offset, base + offset + len)` that
    /// the new access does not allow may be used after this call: with
    /// [`Access::None`], no `&[u8]` or `&mut [u8]` into the range; with
    /// [`Access::Read`], no `&mut [u8]` (nor a write through a shared
    /// reference to interior-mutable bytes). A reference promises
    /// dereferenceable memory for its whole life, and the handle is `Copy`,
    /// so only the caller can know that no such reference is live (WRT's
    /// `PalMemoryProvider::borrow_slice` makes them). Raw-pointer accesses
    /// afterwards fault (SIGSEGV) rather than being undefined.
    ///
    /// ```compile_fail,E0133
    /// # fn f(a: wrt_platform_c::LinuxAllocatorHandle<'_>) {
    /// // Not callable from safe code (issue 23 item 3):
    /// let _ = a.protect(0, 4096, wrt_platform_c::Access::None);
    /// # }
    /// ```
    pub unsafe fn protect(&self, offset: usize, len: usize, access: Access) -> Result<()> {
        let busy = self.take()?;
        // SAFETY: the allocator is initialised; the caller vouches for the
        // references into the range (see # Safety).
        check(unsafe { sys::wrt_page_allocator_protect(busy.base(), offset, len, access.raw()) })
    }

    /// Unmaps the region; `base` and `size` must be exactly the last ones
    /// returned (else `State`), as `wrt_page_allocator_deallocate` checks.
    /// A base and size carry no identity: prefer [`release`](Self::release)
    /// with the [`Region`]'s id where another copy of the handle may have
    /// released the region and allocated again (same base, same size).
    ///
    /// # Safety
    /// No reference into the region may be used after this call, and the
    /// region is the caller's (not a later allocation that another copy of
    /// the handle made at the same base).
    ///
    /// The three ways a region is unmapped agree: `deallocate` and
    /// [`release`](Self::release) are `unsafe` because any `Copy` of the
    /// handle may call them while a reference made from the base is live;
    /// [`AllocatorSlot::reset`] and dropping the slot are safe because they
    /// need the slot itself (`&mut` or by value), so no handle is left, and
    /// a reference made from a region's base must not outlive the handle
    /// it came from (that is part of what the unsafe code that makes such
    /// a reference promises).
    pub unsafe fn deallocate(&self, base: NonNull<u8>, size: usize) -> Result<()> {
        let mut busy = self.take()?;
        // SAFETY: the allocator is initialised; the caller vouches for the
        // region's users.
        check(unsafe { sys::wrt_page_allocator_deallocate(busy.base(), base.as_ptr(), size) })?;
        clear(busy.tracked());
        Ok(())
    }

    /// Releases the whole current region if it is allocation `id` (from
    /// [`Region::id`]) at `base`, and `size` is its current size or the size
    /// `allocate` returned for it although it has grown (in place) since:
    /// that is how WRT's `PalMemoryProvider` releases its memory. Anything
    /// else, a stale id above all (a copy of the handle whose region was
    /// released and whose slot allocated again, even at the same base):
    /// `State`, nothing done.
    ///
    /// # Safety
    /// No reference into the region may be used after this call.
    pub unsafe fn release(&self, id: AllocationId, base: NonNull<u8>, size: usize) -> Result<()> {
        let mut busy = self.take()?;
        let t = *busy.tracked();
        if t.id == 0 || t.id != id.0 || t.base != base.as_ptr() as usize || (size != t.size && size != t.initial_size) {
            return Err(Error::State);
        }
        // SAFETY: as deallocate; base and size are the C allocator's current ones.
        check(unsafe { sys::wrt_page_allocator_deallocate(busy.base(), base.as_ptr(), t.size) })?;
        clear(busy.tracked());
        Ok(())
    }

    /// Where the region is now (`wrt_page_allocator_query`): `State` when no
    /// region is allocated. Lock-free and async-signal-safe in C; it does
    /// not take the allocator, so it works while another thread grows.
    pub fn query(&self) -> Result<RegionInfo> {
        // SAFETY: the slot is initialised and pinned; the C query may run
        // concurrently with any call but init/destroy, which need the slot
        // empty or &mut.
        unsafe { RegionInfo::query(B::base(self.slot.raw.get())) }
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
