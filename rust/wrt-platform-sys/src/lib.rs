//! Raw bindings to the wrt_platform C library (`include/wrt/*.h`).
//!
//! Hand-written, kept next to the headers they mirror; `tests/layout.rs`
//! compares every mirrored type with what the C compiler says (sizes,
//! alignments, field offsets) so that a header change that is not followed
//! here fails the tests instead of corrupting memory.
//!
//! Caller-allocated objects whose fields are private in C (allocators,
//! futexes, the provider) are opaque byte blocks of the C object's size and
//! alignment on the target (module [`layout`]). Everything here is `unsafe`
//! and follows the C contracts in the headers; the safe API is the
//! `wrt-platform-c` crate.
#![no_std]
#![allow(non_camel_case_types)]
// The items are documented in the C headers they mirror.
#![allow(missing_docs)]

use core::ffi::{c_char, c_int, c_void};
use core::sync::atomic::AtomicU32;

pub mod layout;
pub use layout::*;

// ---- wrt/status.h ---------------------------------------------------------

/// `wrt_status` (a C enum: `unsigned int` on every target we support).
pub type wrt_status = u32;
pub const WRT_OK: wrt_status = 0;
pub const WRT_E_INVALID_ARG: wrt_status = 1;
pub const WRT_E_OVERFLOW: wrt_status = 2;
pub const WRT_E_LIMIT: wrt_status = 3;
pub const WRT_E_NO_MEMORY: wrt_status = 4;
pub const WRT_E_STATE: wrt_status = 5;
pub const WRT_E_TIMEOUT: wrt_status = 6;
pub const WRT_E_AGAIN: wrt_status = 7;
pub const WRT_E_UNSUPPORTED: wrt_status = 8;
pub const WRT_E_CORRUPT: wrt_status = 9;
pub const WRT_E_OS: wrt_status = 10;
pub const WRT_STATUS_COUNT: u32 = 11;

extern "C" {
    pub fn wrt_status_str(s: wrt_status) -> *const c_char;
}

// ---- wrt/memory.h ---------------------------------------------------------

pub const WRT_WASM_PAGE_SIZE: u32 = 65536;
pub const WRT_WASM_MAX_PAGES: u32 = 65536;
/// `maximum_pages` meaning "none given" (the allocator's `max_pages`).
pub const WRT_MAX_PAGES_NONE: u32 = u32::MAX;
pub const WRT_WASM64_MAX_PAGES: u32 = u32::MAX - 1;
pub const WRT_GUARD_FROM_SIZE: usize = usize::MAX;
#[cfg(target_pointer_width = "64")]
pub const WRT_WASM32_GUARD_REACH: usize = 0x2_0001_0000;

pub type wrt_mem_access = u32;
pub const WRT_MEM_NONE: wrt_mem_access = 0;
pub const WRT_MEM_READ: wrt_mem_access = 1;
pub const WRT_MEM_READ_WRITE: wrt_mem_access = 2;

// ---- wrt/placement.h -------------------------------------------------------

pub type wrt_huge_pages = u32;
pub const WRT_HUGE_NONE: wrt_huge_pages = 0;
pub const WRT_HUGE_TRANSPARENT: wrt_huge_pages = 1;
pub const WRT_HUGE_EXPLICIT: wrt_huge_pages = 2;
pub type wrt_numa_policy = u32;
pub const WRT_NUMA_STRICT: wrt_numa_policy = 0;
pub const WRT_NUMA_PREFERRED: wrt_numa_policy = 1;
pub const WRT_NUMA_ANY: c_int = -1;
pub const WRT_NUMA_MAX_NODE: c_int = 1023;

/// `wrt_placement_t` (appended to both allocator configs).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wrt_placement_t {
    pub huge: wrt_huge_pages,
    pub huge_fallback: bool,
    pub shared: bool,
    pub shm_name: *const c_char,
    pub shm_mode: u32,
    pub numa_node: c_int,
    pub numa_policy: wrt_numa_policy,
}

/// `wrt_placement_info_t`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wrt_placement_info_t {
    pub huge: wrt_huge_pages,
    pub shared: bool,
    pub numa_node: c_int,
    pub huge_bytes: usize,
    pub resident_bytes: usize,
    pub huge_known: bool,
    pub huge_page_size: usize,
}

extern "C" {
    pub fn wrt_placement_default() -> wrt_placement_t;
}

pub type wrt_growth_strategy = u32;
pub const WRT_GROW_RESERVE: wrt_growth_strategy = 0;
pub const WRT_GROW_EXACT: wrt_growth_strategy = 1;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wrt_page_allocator_ops_t {
    pub allocate: Option<
        unsafe extern "C" fn(
            this: *mut wrt_page_allocator_t,
            initial_pages: u32,
            maximum_pages: u32,
            base: *mut *mut u8,
            size: *mut usize,
        ) -> wrt_status,
    >,
    pub grow: Option<
        unsafe extern "C" fn(
            this: *mut wrt_page_allocator_t,
            current_pages: u32,
            additional_pages: u32,
            base: *mut *mut u8,
            size: *mut usize,
        ) -> wrt_status,
    >,
    pub protect: Option<
        unsafe extern "C" fn(
            this: *mut wrt_page_allocator_t,
            offset: usize,
            len: usize,
            access: wrt_mem_access,
        ) -> wrt_status,
    >,
    pub deallocate: Option<
        unsafe extern "C" fn(this: *mut wrt_page_allocator_t, base: *mut u8, size: usize) -> wrt_status,
    >,
    pub query: Option<unsafe extern "C" fn(this: *const wrt_page_allocator_t, out: *mut wrt_region_info_t) -> wrt_status>,
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wrt_region_info_t {
    pub base: *mut u8,
    pub accessible: usize,
    pub reserved_end: *mut u8,
    pub guard_start: *mut u8,
    pub guard_end: *mut u8,
}


#[repr(C)]
#[derive(Debug)]
pub struct wrt_page_allocator_t {
    pub ops: *const wrt_page_allocator_ops_t,
}

extern "C" {
    // The header's inline dispatchers, exported by the library
    // (src/core/exports.c): they check the object and its ops table, so a
    // zeroed or destroyed allocator gives WRT_E_INVALID_ARG.
    pub fn wrt_page_allocator_allocate(
        a: *mut wrt_page_allocator_t,
        initial_pages: u32,
        maximum_pages: u32,
        base: *mut *mut u8,
        size: *mut usize,
    ) -> wrt_status;
    pub fn wrt_page_allocator_grow(
        a: *mut wrt_page_allocator_t,
        current_pages: u32,
        additional_pages: u32,
        base: *mut *mut u8,
        size: *mut usize,
    ) -> wrt_status;
    pub fn wrt_page_allocator_protect(
        a: *mut wrt_page_allocator_t,
        offset: usize,
        len: usize,
        access: wrt_mem_access,
    ) -> wrt_status;
    pub fn wrt_page_allocator_deallocate(a: *mut wrt_page_allocator_t, base: *mut u8, size: usize) -> wrt_status;
    pub fn wrt_page_allocator_query(a: *const wrt_page_allocator_t, out: *mut wrt_region_info_t) -> wrt_status;
    pub fn wrt_region_info_contains(r: *const wrt_region_info_t, addr: *const c_void) -> bool;
    pub fn wrt_region_info_in_guard(r: *const wrt_region_info_t, addr: *const c_void) -> bool;
}

// ---- wrt/sync.h -----------------------------------------------------------

pub const WRT_WAIT_FOREVER: u64 = u64::MAX;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wrt_futex_ops_t {
    pub wait: Option<unsafe extern "C" fn(this: *mut wrt_futex_t, expected: u32, timeout_ns: u64) -> wrt_status>,
    pub wake: Option<unsafe extern "C" fn(this: *mut wrt_futex_t, count: u32) -> wrt_status>,
}

/// `struct wrt_futex`: the word is a C11 `_Atomic uint32_t`, which has the
/// size, alignment and (lock-free) representation of `AtomicU32`.
#[repr(C)]
#[derive(Debug)]
pub struct wrt_futex_t {
    pub ops: *const wrt_futex_ops_t,
    pub value: AtomicU32,
}

extern "C" {
    // The header's inline functions, exported by the library.
    pub fn wrt_futex_load(f: *const wrt_futex_t) -> u32;
    pub fn wrt_futex_set(f: *mut wrt_futex_t, v: u32);
    pub fn wrt_futex_compare_exchange(f: *mut wrt_futex_t, expected: u32, desired: u32) -> bool;
    pub fn wrt_futex_wait(f: *mut wrt_futex_t, expected: u32, timeout_ns: u64) -> wrt_status;
    pub fn wrt_futex_wake(f: *mut wrt_futex_t, count: u32) -> wrt_status;
    pub fn wrt_futex_wake_one(f: *mut wrt_futex_t) -> wrt_status;
    pub fn wrt_futex_wake_all(f: *mut wrt_futex_t) -> wrt_status;
}

// ---- wrt/linux_memory.h, wrt/linux_sync.h ---------------------------------

#[cfg(target_os = "linux")]
pub use linux::*;
#[cfg(target_os = "linux")]
mod linux {
    use super::*;

    #[repr(C)]
    #[derive(Debug, Clone, Copy)]
    pub struct wrt_linux_allocator_config_t {
        pub guard_pages: bool,
        pub guard_size: usize,
        pub guard_before: usize,
        pub guard_after: usize,
        pub guard_reach: usize,
        pub max_pages: u32,
        pub growth: wrt_growth_strategy,
        pub reserve_pages: u32,
        pub no_move: bool,
        pub memory64: bool,
        pub placement: wrt_placement_t,
    }

    extern "C" {
        pub fn wrt_linux_allocator_config_default() -> wrt_linux_allocator_config_t;
        pub fn wrt_linux_allocator_placement_info(
            a: *const wrt_linux_allocator_t,
            out: *mut wrt_placement_info_t,
        ) -> wrt_status;
        pub fn wrt_linux_allocator_shared_fd(a: *const wrt_linux_allocator_t, fd: *mut c_int) -> wrt_status;
        pub fn wrt_linux_allocator_init(
            a: *mut wrt_linux_allocator_t,
            cfg: *const wrt_linux_allocator_config_t,
        ) -> wrt_status;
        pub fn wrt_linux_allocator_destroy(a: *mut wrt_linux_allocator_t);
        pub fn wrt_linux_allocator_base(a: *mut wrt_linux_allocator_t) -> *mut wrt_page_allocator_t;

        pub fn wrt_linux_futex_init(f: *mut wrt_linux_futex_t, initial_value: u32) -> wrt_status;
        pub fn wrt_linux_futex_destroy(f: *mut wrt_linux_futex_t);
        pub fn wrt_linux_futex_base(f: *mut wrt_linux_futex_t) -> *mut wrt_futex_t;
    }
}

// ---- wrt/mutex.h ----------------------------------------------------------

#[repr(C)]
#[derive(Debug)]
pub struct wrt_mutex_t {
    pub futex: *mut wrt_futex_t,
    pub spin: u32,
}

extern "C" {
    pub fn wrt_mutex_init(m: *mut wrt_mutex_t, futex: *mut wrt_futex_t) -> wrt_status;
    pub fn wrt_mutex_set_spin(m: *mut wrt_mutex_t, spin: u32) -> wrt_status;
    pub fn wrt_mutex_lock(m: *mut wrt_mutex_t) -> wrt_status;
    pub fn wrt_mutex_trylock(m: *mut wrt_mutex_t) -> wrt_status;
    pub fn wrt_mutex_lock_timeout(m: *mut wrt_mutex_t, timeout_ns: u64) -> wrt_status;
    pub fn wrt_mutex_unlock(m: *mut wrt_mutex_t) -> wrt_status;
}

// ---- wrt/atomic_memory.h --------------------------------------------------

pub const WRT_PROVIDER_DEFAULT_BLOCK_SIZE: usize = 4096;
pub const WRT_PROVIDER_MIN_BLOCK_SIZE: usize = 64;
pub const WRT_PROVIDER_NO_BAD_BLOCK: usize = usize::MAX;

/// `wrt_provider_blocks_for` (inline in C): ceil(size / block_size), 0 for
/// block_size 0.
pub const fn wrt_provider_blocks_for(size: usize, block_size: usize) -> usize {
    match size.checked_div(block_size) {
        Some(whole) => whole + if size % block_size != 0 { 1 } else { 0 },
        None => 0,
    }
}

extern "C" {
    pub fn wrt_provider_init(
        p: *mut wrt_provider_t,
        base: *mut u8,
        size: usize,
        block_checksums: *mut u32,
        block_count: usize,
        block_size: usize,
        lock: *mut wrt_mutex_t,
    ) -> wrt_status;
    pub fn wrt_provider_set_verify_reads(p: *mut wrt_provider_t, on: bool) -> wrt_status;
    pub fn wrt_provider_set_verify_writes(p: *mut wrt_provider_t, on: bool) -> wrt_status;
    pub fn wrt_atomic_write(p: *mut wrt_provider_t, offset: usize, src: *const u8, len: usize) -> wrt_status;
    pub fn wrt_atomic_read(p: *mut wrt_provider_t, offset: usize, dst: *mut u8, len: usize) -> wrt_status;
    pub fn wrt_provider_verify(p: *mut wrt_provider_t) -> wrt_status;
    pub fn wrt_provider_first_bad_block(p: *const wrt_provider_t) -> usize;
    pub fn wrt_provider_resize(
        p: *mut wrt_provider_t,
        new_base: *mut u8,
        new_size: usize,
        new_checksums: *mut u32,
        new_block_count: usize,
    ) -> wrt_status;
}

// ---- wrt/qnx_memory.h, wrt/qnx_sync.h -------------------------------------
// On QNX the library is the QNX backend; on a Linux host with the
// `qnx-model` feature it is src/qnx built against the Neutrino host model.

#[cfg(any(target_os = "nto", feature = "qnx-model"))]
pub use qnx::*;
#[cfg(any(target_os = "nto", feature = "qnx-model"))]
mod qnx {
    use super::*;
    use core::ffi::c_int;
    use core::sync::atomic::AtomicUsize;

    #[repr(C)]
    #[derive(Debug)]
    pub struct wrt_qnx_partition_t {
        pub limit: usize,
        pub used: AtomicUsize,
    }

    #[repr(C)]
    #[derive(Debug, Clone, Copy)]
    pub struct wrt_qnx_allocator_config_t {
        pub guard_pages: bool,
        pub guard_size: usize,
        pub max_pages: u32,
        pub growth: wrt_growth_strategy,
        pub reserve_pages: u32,
        pub lazy: bool,
        pub typed_memory: *const c_char,
        pub partition: *mut wrt_qnx_partition_t,
        pub guard_before: usize,
        pub guard_after: usize,
        pub guard_reach: usize,
        pub no_move: bool,
        pub memory64: bool,
        pub placement: wrt_placement_t,
    }

    extern "C" {
        pub fn wrt_qnx_allocator_shared_fd(a: *const wrt_qnx_allocator_t, fd: *mut c_int) -> wrt_status;
    }

    pub type wrt_qnx_sync_priority = u32;
    pub const WRT_QNX_SYNC_PRIORITY_LOW: wrt_qnx_sync_priority = 0;
    pub const WRT_QNX_SYNC_PRIORITY_NORMAL: wrt_qnx_sync_priority = 1;
    pub const WRT_QNX_SYNC_PRIORITY_HIGH: wrt_qnx_sync_priority = 2;
    pub const WRT_QNX_SYNC_PRIORITY_INHERIT: wrt_qnx_sync_priority = 3;

    pub type wrt_qnx_wake_order = u32;
    pub const WRT_QNX_WAKE_PRIORITY: wrt_qnx_wake_order = 0;
    pub const WRT_QNX_WAKE_FIFO: wrt_qnx_wake_order = 1;

    #[repr(C)]
    #[derive(Debug, Clone, Copy)]
    pub struct wrt_qnx_futex_config_t {
        pub priority: wrt_qnx_sync_priority,
        pub initial_value: u32,
        pub wake_order: wrt_qnx_wake_order,
    }

    pub const WRT_QNX_MEMORY_CAP_NONE: u64 = u64::MAX;

    extern "C" {
        pub fn wrt_qnx_partition_init(p: *mut wrt_qnx_partition_t, limit_bytes: usize) -> wrt_status;
        pub fn wrt_qnx_partition_used(p: *const wrt_qnx_partition_t) -> usize;
        pub fn wrt_qnx_partition_limit(p: *const wrt_qnx_partition_t) -> usize;

        pub fn wrt_qnx_allocator_config_default() -> wrt_qnx_allocator_config_t;
        pub fn wrt_qnx_allocator_init(
            a: *mut wrt_qnx_allocator_t,
            cfg: *const wrt_qnx_allocator_config_t,
        ) -> wrt_status;
        pub fn wrt_qnx_allocator_destroy(a: *mut wrt_qnx_allocator_t);
        pub fn wrt_qnx_allocator_base(a: *mut wrt_qnx_allocator_t) -> *mut wrt_page_allocator_t;
        pub fn wrt_qnx_allocator_discard(a: *mut wrt_qnx_allocator_t, offset: usize, len: usize) -> wrt_status;
        pub fn wrt_qnx_set_process_memory_cap(bytes: u64) -> wrt_status;
        pub fn wrt_qnx_get_process_memory_cap(bytes: *mut u64) -> wrt_status;

        pub fn wrt_qnx_sync_pulse_priority(p: wrt_qnx_sync_priority) -> c_int;
        pub fn wrt_qnx_futex_config_default() -> wrt_qnx_futex_config_t;
        pub fn wrt_qnx_futex_init(f: *mut wrt_qnx_futex_t, cfg: *const wrt_qnx_futex_config_t) -> wrt_status;
        pub fn wrt_qnx_futex_destroy(f: *mut wrt_qnx_futex_t);
        pub fn wrt_qnx_futex_base(f: *mut wrt_qnx_futex_t) -> *mut wrt_futex_t;
        pub fn wrt_qnx_futex_last_os_error(f: *const wrt_qnx_futex_t) -> c_int;
    }
}
