//! The QNX Neutrino backend (`wrt/qnx_memory.h`, `wrt/qnx_sync.h`).
//!
//! On a QNX target this is the real backend (the C library compiled with
//! qcc, linked through `WRT_PLATFORM_LIB_DIR`); on a Linux host, with the
//! `qnx-model` feature, it is the same C code over the Neutrino host model.

use core::cell::UnsafeCell;
use core::ffi::CStr;
use core::ptr;
use core::sync::atomic::AtomicUsize;

use wrt_platform_sys as sys;

use crate::error::{check, Result};
use crate::memory::{AllocatorBackend, AllocatorHandle, AllocatorSlot, Growth, Sealed};
use crate::sync::{FutexBackend, FutexHandle, FutexSlot};

/// The QNX backend (mmap/mprotect/munmap, typed memory, budgets; a futex on
/// channels and pulses).
#[derive(Debug, Clone, Copy)]
pub enum Qnx {}

impl Sealed for Qnx {}

/// A memory budget shared by allocators (`wrt_qnx_partition_t`):
/// cooperative, in-process accounting (see `wrt/qnx_memory.h`). Only a
/// `'static` budget can be given to an allocator, because the C allocator
/// refunds it when it is destroyed.
pub struct Partition {
    raw: UnsafeCell<sys::wrt_qnx_partition_t>,
}

// SAFETY: the C partition is a limit fixed at construction and an atomic
// counter, made for allocators on different threads.
unsafe impl Sync for Partition {}

impl core::fmt::Debug for Partition {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Partition").field("limit", &self.limit()).field("used", &self.used()).finish()
    }
}

impl Partition {
    /// A budget of `limit_bytes` (as `wrt_qnx_partition_init`; a limit of
    /// 0 refuses every charge).
    #[must_use]
    pub const fn new(limit_bytes: usize) -> Self {
        Self { raw: UnsafeCell::new(sys::wrt_qnx_partition_t { limit: limit_bytes, used: AtomicUsize::new(0) }) }
    }
    /// Bytes charged now.
    #[must_use]
    pub fn used(&self) -> usize {
        // SAFETY: a valid partition; the C function reads the atomic.
        unsafe { sys::wrt_qnx_partition_used(self.raw.get()) }
    }
    /// The limit.
    #[must_use]
    pub fn limit(&self) -> usize {
        // SAFETY: as used.
        unsafe { sys::wrt_qnx_partition_limit(self.raw.get()) }
    }
}

/// `wrt_qnx_allocator_config_t`; `Default` is the C default.
#[derive(Debug, Clone, Copy)]
pub struct QnxAllocatorConfig {
    /// Guard regions before the base and after the reservation.
    pub guard_pages: bool,
    /// Bytes per guard region (a multiple of the QNX page size).
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
    /// `Growth::Reserve` only: pages reserved per region (0: the maximum).
    pub reserve_pages: u32,
    /// Map committed pages `MAP_LAZY`.
    pub lazy: bool,
    /// A typed-memory pool name (e.g. `c"/sysram"`), or `None`: anonymous.
    pub typed_memory: Option<&'static CStr>,
    /// A budget to charge, or `None`.
    pub partition: Option<&'static Partition>,
    /// A grow that would move the region returns `Limit` and changes
    /// nothing: the base stays valid from allocate to deallocate.
    pub no_move: bool,
    /// 64-bit memories: page counts above 65536 allowed.
    pub memory64: bool,
    /// Where the memory lives (crate::placement; QNX builds shared regions,
    /// refuses huge pages and NUMA nodes with `Unsupported`).
    pub placement: crate::Placement,
}

impl Default for QnxAllocatorConfig {
    fn default() -> Self {
        // SAFETY: a plain C function returning a struct by value.
        let c = unsafe { sys::wrt_qnx_allocator_config_default() };
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
            lazy: c.lazy,
            typed_memory: None,
            partition: None,
            placement: crate::Placement::default(),
        }
    }
}

impl QnxAllocatorConfig {
    fn to_c(self) -> sys::wrt_qnx_allocator_config_t {
        // SAFETY: as in Default; unset fields keep the C defaults.
        let mut c = unsafe { sys::wrt_qnx_allocator_config_default() };
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
        c.lazy = self.lazy;
        c.typed_memory = self.typed_memory.map_or(ptr::null(), CStr::as_ptr);
        c.partition = self.partition.map_or(ptr::null_mut(), |p| p.raw.get());
        c.placement = self.placement.to_c();
        c
    }
}

/// The seed's builder: `QnxAllocatorConfigBuilder::new().with_guard_pages(true).build()`
/// gives the config to initialise a [`QnxAllocatorSlot`] with.
#[derive(Debug, Clone, Copy, Default)]
pub struct QnxAllocatorConfigBuilder {
    config: QnxAllocatorConfig,
}

impl QnxAllocatorConfigBuilder {
    /// The C default config.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `guard_pages`.
    #[must_use]
    pub fn with_guard_pages(mut self, on: bool) -> Self {
        self.config.guard_pages = on;
        self
    }
    /// Sets `guard_size`.
    #[must_use]
    pub fn with_guard_size(mut self, bytes: usize) -> Self {
        self.config.guard_size = bytes;
        self
    }
    /// Sets `max_pages`.
    #[must_use]
    pub fn with_max_pages(mut self, pages: u32) -> Self {
        self.config.max_pages = pages;
        self
    }
    /// Sets `growth`.
    #[must_use]
    pub fn with_growth(mut self, growth: Growth) -> Self {
        self.config.growth = growth;
        self
    }
    /// Sets `reserve_pages`.
    #[must_use]
    pub fn with_reserve_pages(mut self, pages: u32) -> Self {
        self.config.reserve_pages = pages;
        self
    }
    /// Sets `lazy`.
    #[must_use]
    pub fn with_lazy(mut self, on: bool) -> Self {
        self.config.lazy = on;
        self
    }
    /// Sets `placement`.
    #[must_use]
    pub fn with_placement(mut self, placement: crate::Placement) -> Self {
        self.config.placement = placement;
        self
    }
    /// Sets `typed_memory`.
    #[must_use]
    pub fn with_typed_memory(mut self, pool: &'static CStr) -> Self {
        self.config.typed_memory = Some(pool);
        self
    }
    /// Sets `partition`.
    #[must_use]
    pub fn with_partition(mut self, partition: &'static Partition) -> Self {
        self.config.partition = Some(partition);
        self
    }
    /// Sets `no_move`.
    #[must_use]
    pub fn with_no_move(mut self, on: bool) -> Self {
        self.config.no_move = on;
        self
    }
    /// The config (checked by `init`).
    #[must_use]
    pub fn build(self) -> QnxAllocatorConfig {
        self.config
    }
}

impl AllocatorBackend for Qnx {
    type Raw = sys::wrt_qnx_allocator_t;
    type Config = QnxAllocatorConfig;
    const NAME: &'static str = "qnx";
    const ZEROED: Self::Raw = sys::wrt_qnx_allocator_t::ZEROED;
    unsafe fn init(raw: *mut Self::Raw, cfg: &Self::Config) -> sys::wrt_status {
        let c = cfg.to_c();
        // SAFETY: trait contract; the pointers in c are 'static.
        unsafe { sys::wrt_qnx_allocator_init(raw, &c) }
    }
    unsafe fn destroy(raw: *mut Self::Raw) {
        // SAFETY: trait contract.
        unsafe { sys::wrt_qnx_allocator_destroy(raw) }
    }
    unsafe fn base(raw: *mut Self::Raw) -> *mut sys::wrt_page_allocator_t {
        // SAFETY: trait contract.
        unsafe { sys::wrt_qnx_allocator_base(raw) }
    }
}

impl AllocatorHandle<'_, Qnx> {
    /// Gives the physical memory behind `[offset, offset + len)` back; the
    /// bytes read as zero afterwards and stay accessible
    /// (`wrt_qnx_allocator_discard`). `Error::Unsupported` on typed memory
    /// and on a shared region (its pages are a shared object's).
    ///
    /// # Safety
    /// No Rust reference into the range may be used after this call: the
    /// bytes change under it (a `&[u8]` promises they do not), as with
    /// [`protect`](AllocatorHandle::protect).
    pub unsafe fn discard(&self, offset: usize, len: usize) -> Result<()> {
        // SAFETY: the allocator is initialised and held for the call; the
        // caller vouches for the references into the range.
        check(self.with_raw(|raw| unsafe { sys::wrt_qnx_allocator_discard(raw, offset, len) })?)
    }
}

/// The pulse priority a woken waiter runs at (`wrt_qnx_sync_priority`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QnxPulsePriority {
    /// Pulse priority 5.
    Low,
    /// Pulse priority 10 (QNX's default).
    #[default]
    Normal,
    /// Pulse priority 21.
    High,
    /// The waking thread's priority.
    Inherit,
}

/// The order in which `wake` picks waiters (`wrt_qnx_wake_order`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QnxWakeOrder {
    /// Highest priority first, FIFO among equals.
    #[default]
    Priority,
    /// Oldest first.
    Fifo,
}

/// `wrt_qnx_futex_config_t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QnxFutexConfig {
    /// Pulse priority.
    pub priority: QnxPulsePriority,
    /// The word's first value.
    pub initial_value: u32,
    /// Wake order.
    pub wake_order: QnxWakeOrder,
}

/// The seed's futex builder.
#[derive(Debug, Clone, Copy, Default)]
pub struct QnxFutexConfigBuilder {
    config: QnxFutexConfig,
}

impl QnxFutexConfigBuilder {
    /// The default config.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the pulse priority.
    #[must_use]
    pub fn with_priority(mut self, p: QnxPulsePriority) -> Self {
        self.config.priority = p;
        self
    }
    /// Sets the first value of the word.
    #[must_use]
    pub fn with_initial_value(mut self, v: u32) -> Self {
        self.config.initial_value = v;
        self
    }
    /// Sets the wake order.
    #[must_use]
    pub fn with_wake_order(mut self, o: QnxWakeOrder) -> Self {
        self.config.wake_order = o;
        self
    }
    /// The config (checked by `init`).
    #[must_use]
    pub fn build(self) -> QnxFutexConfig {
        self.config
    }
}

impl FutexBackend for Qnx {
    type Raw = sys::wrt_qnx_futex_t;
    type Config = QnxFutexConfig;
    const NAME: &'static str = "qnx";
    const ZEROED: Self::Raw = sys::wrt_qnx_futex_t::ZEROED;
    unsafe fn init(raw: *mut Self::Raw, cfg: &Self::Config) -> sys::wrt_status {
        let c = sys::wrt_qnx_futex_config_t {
            priority: match cfg.priority {
                QnxPulsePriority::Low => sys::WRT_QNX_SYNC_PRIORITY_LOW,
                QnxPulsePriority::Normal => sys::WRT_QNX_SYNC_PRIORITY_NORMAL,
                QnxPulsePriority::High => sys::WRT_QNX_SYNC_PRIORITY_HIGH,
                QnxPulsePriority::Inherit => sys::WRT_QNX_SYNC_PRIORITY_INHERIT,
            },
            initial_value: cfg.initial_value,
            wake_order: match cfg.wake_order {
                QnxWakeOrder::Priority => sys::WRT_QNX_WAKE_PRIORITY,
                QnxWakeOrder::Fifo => sys::WRT_QNX_WAKE_FIFO,
            },
        };
        // SAFETY: trait contract.
        unsafe { sys::wrt_qnx_futex_init(raw, &c) }
    }
    unsafe fn destroy(raw: *mut Self::Raw) {
        // SAFETY: trait contract.
        unsafe { sys::wrt_qnx_futex_destroy(raw) }
    }
    unsafe fn base(raw: *mut Self::Raw) -> *mut sys::wrt_futex_t {
        // SAFETY: trait contract.
        unsafe { sys::wrt_qnx_futex_base(raw) }
    }
}

/// Storage for a QNX page allocator.
pub type QnxAllocatorSlot = AllocatorSlot<Qnx>;
/// Handle to a QNX page allocator.
pub type QnxAllocatorHandle<'a> = AllocatorHandle<'a, Qnx>;
/// Storage for a QNX futex.
pub type QnxFutexSlot = FutexSlot<Qnx>;
/// Handle to a QNX futex.
pub type QnxFutexHandle<'a> = FutexHandle<'a, Qnx>;
