//! The Linux backend (`wrt/linux_memory.h`, `wrt/linux_sync.h`).

use wrt_platform_sys as sys;

use crate::memory::{AllocatorBackend, AllocatorSlot, Growth, PageAllocator, Sealed};
use crate::sync::{Futex, FutexBackend, FutexSlot};

/// The Linux backend (mmap/mprotect/munmap; FUTEX_WAIT/WAKE_PRIVATE).
#[derive(Debug, Clone, Copy)]
pub enum Linux {}

impl Sealed for Linux {}

/// `wrt_linux_allocator_config_t`; `Default` is the C default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinuxAllocatorConfig {
    /// Inaccessible guard regions before the base and after the reservation.
    pub guard_pages: bool,
    /// Bytes per guard region (a non-zero multiple of the OS page when
    /// `guard_pages` is on).
    pub guard_size: usize,
    /// Leading guard bytes while `guard_pages` is on (a multiple of the OS
    /// page, 0: none, [`GUARD_FROM_SIZE`](crate::memory::GUARD_FROM_SIZE):
    /// `guard_size`, the default).
    pub guard_before: usize,
    /// Trailing guard bytes, as `guard_before`.
    pub guard_after: usize,
    /// 0, or the least span from the base that the reservation and the
    /// trailing guard cover ([`WASM32_GUARD_REACH`](crate::memory::WASM32_GUARD_REACH)
    /// for 32-bit memories with guard-page bounds checks).
    pub guard_reach: usize,
    /// Largest maximum a region may have, 1..=65536 (more with `memory64`).
    pub max_pages: u32,
    /// How regions grow.
    pub growth: Growth,
    /// `Growth::Reserve` only: pages reserved per region (0: the whole
    /// maximum, so that grows never move the base).
    pub reserve_pages: u32,
    /// A grow that would move the region returns `Limit` and changes
    /// nothing: the base stays valid from allocate to deallocate.
    pub no_move: bool,
    /// 64-bit memories: page counts above 65536 allowed.
    pub memory64: bool,
    /// Where the memory lives (crate::placement).
    pub placement: crate::Placement,
}

impl Default for LinuxAllocatorConfig {
    fn default() -> Self {
        // SAFETY: a plain C function returning a struct by value.
        let c = unsafe { sys::wrt_linux_allocator_config_default() };
        Self {
            guard_pages: c.guard_pages,
            guard_size: c.guard_size,
            max_pages: c.max_pages,
            growth: if c.growth == sys::WRT_GROW_EXACT { Growth::Exact } else { Growth::Reserve },
            reserve_pages: c.reserve_pages,
            guard_before: c.guard_before,
            guard_after: c.guard_after,
            guard_reach: c.guard_reach,
            no_move: c.no_move,
            memory64: c.memory64,
            placement: crate::Placement::default(),
        }
    }
}

impl LinuxAllocatorConfig {
    fn to_c(self) -> sys::wrt_linux_allocator_config_t {
        // SAFETY: as in Default; start from the C default so that fields
        // this crate does not set keep their documented defaults.
        let mut c = unsafe { sys::wrt_linux_allocator_config_default() };
        c.guard_pages = self.guard_pages;
        c.guard_size = self.guard_size;
        c.max_pages = self.max_pages;
        c.growth = self.growth.raw();
        c.reserve_pages = self.reserve_pages;
        c.guard_before = self.guard_before;
        c.guard_after = self.guard_after;
        c.guard_reach = self.guard_reach;
        c.no_move = self.no_move;
        c.memory64 = self.memory64;
        c.placement = self.placement.to_c();
        c
    }
}

impl AllocatorBackend for Linux {
    type Raw = sys::wrt_linux_allocator_t;
    type Config = LinuxAllocatorConfig;
    const NAME: &'static str = "linux";
    const ZEROED: Self::Raw = sys::wrt_linux_allocator_t::ZEROED;
    unsafe fn init(raw: *mut Self::Raw, cfg: &Self::Config) -> sys::wrt_status {
        let c = cfg.to_c();
        // SAFETY: raw is valid pinned storage (trait contract).
        unsafe { sys::wrt_linux_allocator_init(raw, &c) }
    }
    unsafe fn destroy(raw: *mut Self::Raw) {
        // SAFETY: trait contract.
        unsafe { sys::wrt_linux_allocator_destroy(raw) }
    }
    unsafe fn base(raw: *mut Self::Raw) -> *mut sys::wrt_page_allocator_t {
        // SAFETY: trait contract.
        unsafe { sys::wrt_linux_allocator_base(raw) }
    }
}

/// `wrt_linux_futex_init`'s argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinuxFutexConfig {
    /// The word's first value.
    pub initial_value: u32,
}

impl FutexBackend for Linux {
    type Raw = sys::wrt_linux_futex_t;
    type Config = LinuxFutexConfig;
    const NAME: &'static str = "linux";
    const ZEROED: Self::Raw = sys::wrt_linux_futex_t::ZEROED;
    unsafe fn init(raw: *mut Self::Raw, cfg: &Self::Config) -> sys::wrt_status {
        // SAFETY: trait contract.
        unsafe { sys::wrt_linux_futex_init(raw, cfg.initial_value) }
    }
    unsafe fn destroy(raw: *mut Self::Raw) {
        // SAFETY: trait contract.
        unsafe { sys::wrt_linux_futex_destroy(raw) }
    }
    unsafe fn base(raw: *mut Self::Raw) -> *mut sys::wrt_futex_t {
        // SAFETY: trait contract.
        unsafe { sys::wrt_linux_futex_base(raw) }
    }
}

/// Storage for a Linux page allocator.
pub type LinuxAllocatorSlot = AllocatorSlot<Linux>;
/// Handle to a Linux page allocator.
pub type LinuxAllocator<'a> = PageAllocator<'a, Linux>;
/// Storage for a Linux futex.
pub type LinuxFutexSlot = FutexSlot<Linux>;
/// Handle to a Linux futex.
pub type LinuxFutex<'a> = Futex<'a, Linux>;
