//! Raw bindings of `include/wrt/pool.h` (issue 25): the pool of
//! pre-reserved linear-memory slots. The pool and its slot table are
//! caller-owned opaque blocks; their sizes are checked against the C
//! compiler's by `_Static_assert` in `src/core/pool_object_sizes.c`, so a
//! struct change that is not followed here fails the C build.

use crate::{wrt_page_allocator_t, wrt_status};

/// `sizeof(wrt_pool_t)` on 64-bit Linux and QNX (no pthread type inside,
/// so the same on both).
#[cfg(target_pointer_width = "64")]
pub const WRT_POOL_SIZE: usize = 136;
/// `sizeof(wrt_pool_slot_t)` on 64-bit Linux and QNX.
#[cfg(target_pointer_width = "64")]
pub const WRT_POOL_SLOT_SIZE: usize = 152;

/// `wrt_pool_t`: must not move once initialised.
#[repr(C, align(8))]
pub struct wrt_pool_t {
    _opaque: [u8; WRT_POOL_SIZE],
    _pin: core::marker::PhantomData<(*mut u8, core::marker::PhantomPinned)>,
}

impl wrt_pool_t {
    /// All-zero storage (not initialised).
    pub const ZEROED: Self = Self { _opaque: [0; WRT_POOL_SIZE], _pin: core::marker::PhantomData };
}

/// `wrt_pool_slot_t`: one entry of the pool's slot table.
#[repr(C, align(8))]
pub struct wrt_pool_slot_t {
    _opaque: [u8; WRT_POOL_SLOT_SIZE],
    _pin: core::marker::PhantomData<(*mut u8, core::marker::PhantomPinned)>,
}

impl wrt_pool_slot_t {
    /// All-zero storage.
    pub const ZEROED: Self = Self { _opaque: [0; WRT_POOL_SLOT_SIZE], _pin: core::marker::PhantomData };
}

/// `wrt_pool_config_t`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wrt_pool_config_t {
    pub slot_pages: u32,
    pub guard_before: usize,
    pub guard_after: usize,
    pub guard_reach: usize,
    pub keep_resident: usize,
    pub software_bounds: bool,
}

extern "C" {
    pub fn wrt_pool_config_default() -> wrt_pool_config_t;
    pub fn wrt_pool_destroy(p: *mut wrt_pool_t) -> wrt_status;
    pub fn wrt_pool_acquire(p: *mut wrt_pool_t, out: *mut *mut wrt_page_allocator_t) -> wrt_status;
    pub fn wrt_pool_release(p: *mut wrt_pool_t, a: *mut wrt_page_allocator_t) -> wrt_status;
    pub fn wrt_pool_in_use(p: *const wrt_pool_t) -> u32;
    pub fn wrt_pool_slot_count(p: *const wrt_pool_t) -> u32;
}

#[cfg(target_os = "linux")]
extern "C" {
    pub fn wrt_linux_pool_init(
        p: *mut wrt_pool_t,
        slots: *mut wrt_pool_slot_t,
        slot_count: u32,
        cfg: *const wrt_pool_config_t,
    ) -> wrt_status;
}

#[cfg(any(target_os = "nto", feature = "qnx-model"))]
extern "C" {
    pub fn wrt_qnx_pool_init(
        p: *mut wrt_pool_t,
        slots: *mut wrt_pool_slot_t,
        slot_count: u32,
        cfg: *const wrt_pool_config_t,
    ) -> wrt_status;
}
