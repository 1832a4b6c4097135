//! The hand-written bindings against the C compiler: sizes, alignments and
//! field offsets of every mirrored type and the values of the constants,
//! read from csrc/layout_probe.c (compiled by build.rs with the library).
//! Only where build.rs built the library from source (the probe exists).
#![cfg(wrt_layout_probe)]
#![allow(non_snake_case)]

use core::mem::{align_of, offset_of, size_of};
use wrt_platform_sys::*;

macro_rules! probe {
    ($($f:ident),* $(,)?) => { #[allow(dead_code)] /* the QNX ones without qnx-model */ extern "C" { $(fn $f() -> usize;)* } };
}
macro_rules! consts {
    ($($f:ident),* $(,)?) => { #[allow(dead_code)] extern "C" { $(fn $f() -> u64;)* } };
}

probe!(
    wrt_rs_size_wrt_status, wrt_rs_align_wrt_status,
    wrt_rs_size_wrt_mem_access, wrt_rs_size_wrt_growth_strategy,
    wrt_rs_size_wrt_page_allocator_t, wrt_rs_align_wrt_page_allocator_t,
    wrt_rs_size_wrt_page_allocator_ops_t, wrt_rs_align_wrt_page_allocator_ops_t,
    wrt_rs_size_wrt_region_info_t, wrt_rs_align_wrt_region_info_t,
    wrt_rs_size_wrt_futex_t, wrt_rs_align_wrt_futex_t,
    wrt_rs_size_wrt_futex_ops_t, wrt_rs_align_wrt_futex_ops_t,
    wrt_rs_size_wrt_linux_allocator_config_t, wrt_rs_align_wrt_linux_allocator_config_t,
    wrt_rs_size_wrt_linux_allocator_t, wrt_rs_align_wrt_linux_allocator_t,
    wrt_rs_size_wrt_linux_futex_t, wrt_rs_align_wrt_linux_futex_t,
    wrt_rs_size_wrt_mutex_t, wrt_rs_align_wrt_mutex_t,
    wrt_rs_size_wrt_provider_t, wrt_rs_align_wrt_provider_t,
    wrt_rs_size_wrt_qnx_partition_t, wrt_rs_align_wrt_qnx_partition_t,
    wrt_rs_size_wrt_qnx_allocator_config_t, wrt_rs_align_wrt_qnx_allocator_config_t,
    wrt_rs_size_wrt_qnx_allocator_t, wrt_rs_align_wrt_qnx_allocator_t,
    wrt_rs_size_wrt_qnx_futex_config_t, wrt_rs_align_wrt_qnx_futex_config_t,
    wrt_rs_size_wrt_qnx_futex_t, wrt_rs_align_wrt_qnx_futex_t,
    wrt_rs_offset_wrt_futex_t_value,
    wrt_rs_offset_wrt_page_allocator_ops_t_deallocate,
    wrt_rs_offset_wrt_page_allocator_ops_t_query,
    wrt_rs_offset_wrt_region_info_t_guard_end,
    wrt_rs_offset_wrt_linux_allocator_config_t_guard_size,
    wrt_rs_offset_wrt_linux_allocator_config_t_guard_before,
    wrt_rs_offset_wrt_linux_allocator_config_t_guard_after,
    wrt_rs_offset_wrt_linux_allocator_config_t_guard_reach,
    wrt_rs_offset_wrt_linux_allocator_config_t_max_pages,
    wrt_rs_offset_wrt_linux_allocator_config_t_growth,
    wrt_rs_offset_wrt_linux_allocator_config_t_reserve_pages,
    wrt_rs_offset_wrt_linux_allocator_config_t_no_move,
    wrt_rs_offset_wrt_linux_allocator_config_t_memory64,
    wrt_rs_offset_wrt_qnx_allocator_config_t_guard_size,
    wrt_rs_offset_wrt_qnx_allocator_config_t_max_pages,
    wrt_rs_offset_wrt_qnx_allocator_config_t_growth,
    wrt_rs_offset_wrt_qnx_allocator_config_t_reserve_pages,
    wrt_rs_offset_wrt_qnx_allocator_config_t_lazy,
    wrt_rs_offset_wrt_qnx_allocator_config_t_typed_memory,
    wrt_rs_offset_wrt_qnx_allocator_config_t_partition,
    wrt_rs_offset_wrt_qnx_allocator_config_t_guard_before,
    wrt_rs_offset_wrt_qnx_allocator_config_t_guard_after,
    wrt_rs_offset_wrt_qnx_allocator_config_t_guard_reach,
    wrt_rs_offset_wrt_qnx_allocator_config_t_no_move,
    wrt_rs_offset_wrt_qnx_allocator_config_t_memory64,
    wrt_rs_offset_wrt_qnx_futex_config_t_initial_value,
    wrt_rs_offset_wrt_qnx_futex_config_t_wake_order,
);

consts!(
    wrt_rs_const_WRT_WASM_PAGE_SIZE, wrt_rs_const_WRT_WASM_MAX_PAGES, wrt_rs_const_WRT_MAX_PAGES_NONE,
    wrt_rs_const_WRT_WASM64_MAX_PAGES, wrt_rs_const_WRT_GUARD_FROM_SIZE, wrt_rs_const_WRT_WASM32_GUARD_REACH,
    wrt_rs_const_WRT_WAIT_FOREVER, wrt_rs_const_WRT_STATUS_COUNT, wrt_rs_const_WRT_E_OS, wrt_rs_const_WRT_E_AGAIN,
    wrt_rs_const_WRT_GROW_EXACT, wrt_rs_const_WRT_MEM_READ_WRITE, wrt_rs_const_WRT_QNX_SYNC_PRIORITY_INHERIT,
    wrt_rs_const_WRT_QNX_WAKE_FIFO, wrt_rs_const_WRT_PROVIDER_NO_BAD_BLOCK,
    wrt_rs_const_WRT_LINUX_ALLOCATOR_SIZE, wrt_rs_const_WRT_LINUX_ALLOCATOR_ALIGN,
    wrt_rs_const_WRT_LINUX_FUTEX_SIZE, wrt_rs_const_WRT_LINUX_FUTEX_ALIGN,
    wrt_rs_const_WRT_MUTEX_SIZE, wrt_rs_const_WRT_MUTEX_ALIGN,
    wrt_rs_const_WRT_PROVIDER_SIZE, wrt_rs_const_WRT_PROVIDER_ALIGN,
    wrt_rs_const_WRT_QNX_ALLOCATOR_SIZE, wrt_rs_const_WRT_QNX_ALLOCATOR_ALIGN,
    wrt_rs_const_WRT_QNX_FUTEX_SIZE, wrt_rs_const_WRT_QNX_FUTEX_ALIGN,
    wrt_rs_const_WRT_QNX_PARTITION_SIZE, wrt_rs_const_WRT_QNX_PARTITION_ALIGN,
);

/// (Rust size, Rust align) == (C size, C align) for each type.
macro_rules! same_layout {
    ($($t:ty => $s:ident, $a:ident;)*) => {{
        // SAFETY: the probe functions take nothing and return a number.
        $( assert_eq!((size_of::<$t>(), align_of::<$t>()), unsafe { ($s(), $a()) }, stringify!($t)); )*
    }};
}
/// offset_of!(Rust) == offsetof(C) for each field.
macro_rules! same_offset {
    ($($t:ty, $f:ident => $o:ident;)*) => {{
        // SAFETY: as above.
        $( assert_eq!(offset_of!($t, $f), unsafe { $o() }, concat!(stringify!($t), ".", stringify!($f))); )*
    }};
}

#[test]
fn core_types_match_c() {
    // SAFETY: as above.
    unsafe {
        assert_eq!((size_of::<wrt_status>(), align_of::<wrt_status>()), (wrt_rs_size_wrt_status(), wrt_rs_align_wrt_status()));
        assert_eq!(size_of::<wrt_mem_access>(), wrt_rs_size_wrt_mem_access());
        assert_eq!(size_of::<wrt_growth_strategy>(), wrt_rs_size_wrt_growth_strategy());
    }
    same_layout! {
        wrt_page_allocator_t => wrt_rs_size_wrt_page_allocator_t, wrt_rs_align_wrt_page_allocator_t;
        wrt_page_allocator_ops_t => wrt_rs_size_wrt_page_allocator_ops_t, wrt_rs_align_wrt_page_allocator_ops_t;
        wrt_region_info_t => wrt_rs_size_wrt_region_info_t, wrt_rs_align_wrt_region_info_t;
        wrt_futex_t => wrt_rs_size_wrt_futex_t, wrt_rs_align_wrt_futex_t;
        wrt_futex_ops_t => wrt_rs_size_wrt_futex_ops_t, wrt_rs_align_wrt_futex_ops_t;
        wrt_mutex_t => wrt_rs_size_wrt_mutex_t, wrt_rs_align_wrt_mutex_t;
        wrt_provider_t => wrt_rs_size_wrt_provider_t, wrt_rs_align_wrt_provider_t;
    }
    same_offset! {
        wrt_futex_t, value => wrt_rs_offset_wrt_futex_t_value;
        wrt_page_allocator_ops_t, deallocate => wrt_rs_offset_wrt_page_allocator_ops_t_deallocate;
        wrt_page_allocator_ops_t, query => wrt_rs_offset_wrt_page_allocator_ops_t_query;
        wrt_region_info_t, guard_end => wrt_rs_offset_wrt_region_info_t_guard_end;
    }
}

#[cfg(target_os = "linux")]
#[test]
fn linux_types_match_c() {
    same_layout! {
        wrt_linux_allocator_config_t => wrt_rs_size_wrt_linux_allocator_config_t, wrt_rs_align_wrt_linux_allocator_config_t;
        wrt_linux_allocator_t => wrt_rs_size_wrt_linux_allocator_t, wrt_rs_align_wrt_linux_allocator_t;
        wrt_linux_futex_t => wrt_rs_size_wrt_linux_futex_t, wrt_rs_align_wrt_linux_futex_t;
    }
    same_offset! {
        wrt_linux_allocator_config_t, guard_size => wrt_rs_offset_wrt_linux_allocator_config_t_guard_size;
        wrt_linux_allocator_config_t, guard_before => wrt_rs_offset_wrt_linux_allocator_config_t_guard_before;
        wrt_linux_allocator_config_t, guard_after => wrt_rs_offset_wrt_linux_allocator_config_t_guard_after;
        wrt_linux_allocator_config_t, guard_reach => wrt_rs_offset_wrt_linux_allocator_config_t_guard_reach;
        wrt_linux_allocator_config_t, max_pages => wrt_rs_offset_wrt_linux_allocator_config_t_max_pages;
        wrt_linux_allocator_config_t, growth => wrt_rs_offset_wrt_linux_allocator_config_t_growth;
        wrt_linux_allocator_config_t, reserve_pages => wrt_rs_offset_wrt_linux_allocator_config_t_reserve_pages;
        wrt_linux_allocator_config_t, no_move => wrt_rs_offset_wrt_linux_allocator_config_t_no_move;
        wrt_linux_allocator_config_t, memory64 => wrt_rs_offset_wrt_linux_allocator_config_t_memory64;
    }
}

/// The QNX types as src/qnx sees them on this host (over the host model):
/// the probe is compiled with the host's <pthread.h>, as src/qnx is then.
#[cfg(feature = "qnx-model")]
#[test]
fn qnx_types_match_c() {
    same_layout! {
        wrt_qnx_partition_t => wrt_rs_size_wrt_qnx_partition_t, wrt_rs_align_wrt_qnx_partition_t;
        wrt_qnx_allocator_config_t => wrt_rs_size_wrt_qnx_allocator_config_t, wrt_rs_align_wrt_qnx_allocator_config_t;
        wrt_qnx_allocator_t => wrt_rs_size_wrt_qnx_allocator_t, wrt_rs_align_wrt_qnx_allocator_t;
        wrt_qnx_futex_config_t => wrt_rs_size_wrt_qnx_futex_config_t, wrt_rs_align_wrt_qnx_futex_config_t;
        wrt_qnx_futex_t => wrt_rs_size_wrt_qnx_futex_t, wrt_rs_align_wrt_qnx_futex_t;
    }
    same_offset! {
        wrt_qnx_allocator_config_t, guard_size => wrt_rs_offset_wrt_qnx_allocator_config_t_guard_size;
        wrt_qnx_allocator_config_t, max_pages => wrt_rs_offset_wrt_qnx_allocator_config_t_max_pages;
        wrt_qnx_allocator_config_t, growth => wrt_rs_offset_wrt_qnx_allocator_config_t_growth;
        wrt_qnx_allocator_config_t, reserve_pages => wrt_rs_offset_wrt_qnx_allocator_config_t_reserve_pages;
        wrt_qnx_allocator_config_t, lazy => wrt_rs_offset_wrt_qnx_allocator_config_t_lazy;
        wrt_qnx_allocator_config_t, typed_memory => wrt_rs_offset_wrt_qnx_allocator_config_t_typed_memory;
        wrt_qnx_allocator_config_t, partition => wrt_rs_offset_wrt_qnx_allocator_config_t_partition;
        wrt_qnx_allocator_config_t, guard_before => wrt_rs_offset_wrt_qnx_allocator_config_t_guard_before;
        wrt_qnx_allocator_config_t, guard_after => wrt_rs_offset_wrt_qnx_allocator_config_t_guard_after;
        wrt_qnx_allocator_config_t, guard_reach => wrt_rs_offset_wrt_qnx_allocator_config_t_guard_reach;
        wrt_qnx_allocator_config_t, no_move => wrt_rs_offset_wrt_qnx_allocator_config_t_no_move;
        wrt_qnx_allocator_config_t, memory64 => wrt_rs_offset_wrt_qnx_allocator_config_t_memory64;
        wrt_qnx_futex_config_t, initial_value => wrt_rs_offset_wrt_qnx_futex_config_t_initial_value;
        wrt_qnx_futex_config_t, wake_order => wrt_rs_offset_wrt_qnx_futex_config_t_wake_order;
    }
}

#[test]
fn constants_match_c() {
    // SAFETY: the probe functions take nothing and return a number.
    unsafe {
        assert_eq!(wrt_rs_const_WRT_WASM_PAGE_SIZE(), u64::from(WRT_WASM_PAGE_SIZE));
        assert_eq!(wrt_rs_const_WRT_WASM_MAX_PAGES(), u64::from(WRT_WASM_MAX_PAGES));
        assert_eq!(wrt_rs_const_WRT_MAX_PAGES_NONE(), u64::from(WRT_MAX_PAGES_NONE));
        assert_eq!(wrt_rs_const_WRT_WASM64_MAX_PAGES(), u64::from(WRT_WASM64_MAX_PAGES));
        assert_eq!(wrt_rs_const_WRT_GUARD_FROM_SIZE(), WRT_GUARD_FROM_SIZE as u64);
        assert_eq!(wrt_rs_const_WRT_WASM32_GUARD_REACH(), WRT_WASM32_GUARD_REACH as u64);
        assert_eq!(wrt_rs_const_WRT_WAIT_FOREVER(), WRT_WAIT_FOREVER);
        assert_eq!(wrt_rs_const_WRT_STATUS_COUNT(), u64::from(WRT_STATUS_COUNT));
        assert_eq!(wrt_rs_const_WRT_E_OS(), u64::from(WRT_E_OS));
        assert_eq!(wrt_rs_const_WRT_E_AGAIN(), u64::from(WRT_E_AGAIN));
        assert_eq!(wrt_rs_const_WRT_GROW_EXACT(), u64::from(WRT_GROW_EXACT));
        assert_eq!(wrt_rs_const_WRT_MEM_READ_WRITE(), u64::from(WRT_MEM_READ_WRITE));
        assert_eq!(wrt_rs_const_WRT_PROVIDER_NO_BAD_BLOCK(), WRT_PROVIDER_NO_BAD_BLOCK as u64);
    }
}

#[cfg(feature = "qnx-model")]
#[test]
fn qnx_constants_match_c() {
    // SAFETY: as above.
    unsafe {
        assert_eq!(wrt_rs_const_WRT_QNX_SYNC_PRIORITY_INHERIT(), u64::from(WRT_QNX_SYNC_PRIORITY_INHERIT));
        assert_eq!(wrt_rs_const_WRT_QNX_WAKE_FIFO(), u64::from(WRT_QNX_WAKE_FIFO));
    }
}

/// Every status has the text the C library gives it, and the codes are
/// the ones the Rust side names.
#[test]
fn status_text_matches_names() {
    let names = [
        (WRT_OK, "WRT_OK"),
        (WRT_E_INVALID_ARG, "WRT_E_INVALID_ARG"),
        (WRT_E_OVERFLOW, "WRT_E_OVERFLOW"),
        (WRT_E_LIMIT, "WRT_E_LIMIT"),
        (WRT_E_NO_MEMORY, "WRT_E_NO_MEMORY"),
        (WRT_E_STATE, "WRT_E_STATE"),
        (WRT_E_TIMEOUT, "WRT_E_TIMEOUT"),
        (WRT_E_AGAIN, "WRT_E_AGAIN"),
        (WRT_E_UNSUPPORTED, "WRT_E_UNSUPPORTED"),
        (WRT_E_CORRUPT, "WRT_E_CORRUPT"),
        (WRT_E_OS, "WRT_E_OS"),
    ];
    for (code, name) in names {
        // SAFETY: wrt_status_str returns a static C string.
        let text = unsafe { core::ffi::CStr::from_ptr(wrt_status_str(code)) }.to_str().unwrap();
        assert!(text.starts_with(name), "{code}: {text}");
    }
}

/// The storage Rust reserves is what `wrt/object_sizes.h` publishes
/// (`WRT_<TYPE>_SIZE` / `_ALIGN`, checked by `_Static_assert` in the C
/// library) for this target.
#[test]
fn storage_matches_published_object_sizes() {
    let u = |v: usize| v as u64;
    // SAFETY: the probe functions take nothing and return a number.
    unsafe {
        assert_eq!((u(WRT_LINUX_ALLOCATOR_SIZE), u(align_of::<wrt_linux_allocator_t>())),
                   (wrt_rs_const_WRT_LINUX_ALLOCATOR_SIZE(), wrt_rs_const_WRT_LINUX_ALLOCATOR_ALIGN()));
        assert_eq!(u(size_of::<wrt_linux_allocator_t>()), wrt_rs_const_WRT_LINUX_ALLOCATOR_SIZE());
        assert_eq!((u(size_of::<wrt_linux_futex_t>()), u(align_of::<wrt_linux_futex_t>())),
                   (wrt_rs_const_WRT_LINUX_FUTEX_SIZE(), wrt_rs_const_WRT_LINUX_FUTEX_ALIGN()));
        assert_eq!((u(size_of::<wrt_mutex_t>()), u(align_of::<wrt_mutex_t>())),
                   (wrt_rs_const_WRT_MUTEX_SIZE(), wrt_rs_const_WRT_MUTEX_ALIGN()));
        assert_eq!((u(size_of::<wrt_provider_t>()), u(align_of::<wrt_provider_t>())),
                   (wrt_rs_const_WRT_PROVIDER_SIZE(), wrt_rs_const_WRT_PROVIDER_ALIGN()));
        assert_eq!((u(size_of::<wrt_qnx_allocator_t>()), u(align_of::<wrt_qnx_allocator_t>())),
                   (wrt_rs_const_WRT_QNX_ALLOCATOR_SIZE(), wrt_rs_const_WRT_QNX_ALLOCATOR_ALIGN()));
        assert_eq!((u(size_of::<wrt_qnx_futex_t>()), u(align_of::<wrt_qnx_futex_t>())),
                   (wrt_rs_const_WRT_QNX_FUTEX_SIZE(), wrt_rs_const_WRT_QNX_FUTEX_ALIGN()));
    }
}

#[cfg(feature = "qnx-model")]
#[test]
fn qnx_partition_matches_published_size() {
    // SAFETY: as above.
    unsafe {
        assert_eq!(
            (size_of::<wrt_qnx_partition_t>() as u64, align_of::<wrt_qnx_partition_t>() as u64),
            (wrt_rs_const_WRT_QNX_PARTITION_SIZE(), wrt_rs_const_WRT_QNX_PARTITION_ALIGN())
        );
    }
}

// wrt/placement.h (issue 27): the struct appended to both allocator configs.
probe!(
    wrt_rs_size_wrt_placement_t, wrt_rs_align_wrt_placement_t,
    wrt_rs_size_wrt_placement_info_t, wrt_rs_align_wrt_placement_info_t,
    wrt_rs_offset_wrt_linux_allocator_config_t_placement,
    wrt_rs_offset_wrt_qnx_allocator_config_t_placement,
);

#[test]
fn placement_types_match_c() {
    same_layout! {
        wrt_placement_t => wrt_rs_size_wrt_placement_t, wrt_rs_align_wrt_placement_t;
        wrt_placement_info_t => wrt_rs_size_wrt_placement_info_t, wrt_rs_align_wrt_placement_info_t;
    }
    #[cfg(target_os = "linux")]
    same_offset! {
        wrt_linux_allocator_config_t, placement => wrt_rs_offset_wrt_linux_allocator_config_t_placement;
    }
    #[cfg(any(target_os = "nto", feature = "qnx-model"))]
    same_offset! {
        wrt_qnx_allocator_config_t, placement => wrt_rs_offset_wrt_qnx_allocator_config_t_placement;
    }
}
