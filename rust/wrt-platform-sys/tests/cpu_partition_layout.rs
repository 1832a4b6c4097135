//! `wrt/cpu_partition.h` and `WRT_E_PERMISSION` against the C compiler
//! (csrc/layout_probe.c), as tests/layout.rs does for the other headers.
#![cfg(wrt_layout_probe)]
#![allow(non_snake_case)]

use core::mem::{align_of, offset_of, size_of};
use wrt_platform_sys::*;

// The probe is linked only by the tests that name it (build.rs: never into
// a consumer), as tests/layout.rs does.
#[link(name = "wrt_rs_probe", kind = "static")]
extern "C" {
    fn wrt_rs_size_wrt_cpu_partition_t() -> usize;
    fn wrt_rs_align_wrt_cpu_partition_t() -> usize;
    fn wrt_rs_size_wrt_cpu_partition_config_t() -> usize;
    fn wrt_rs_align_wrt_cpu_partition_config_t() -> usize;
    fn wrt_rs_size_wrt_cpu_partition_info_t() -> usize;
    fn wrt_rs_align_wrt_cpu_partition_info_t() -> usize;
    fn wrt_rs_offset_wrt_cpu_partition_t_os_error() -> usize;
    fn wrt_rs_offset_wrt_cpu_partition_t_created_ns() -> usize;
    fn wrt_rs_offset_wrt_cpu_partition_t_path() -> usize;
    fn wrt_rs_offset_wrt_cpu_partition_info_t_usage_ns() -> usize;
    fn wrt_rs_const_WRT_E_PERMISSION() -> u64;
}

#[test]
fn cpu_partition_types_match_c() {
    // SAFETY: the probe functions take nothing and return a number.
    unsafe {
        assert_eq!(size_of::<wrt_cpu_partition_t>(), wrt_rs_size_wrt_cpu_partition_t());
        assert_eq!(align_of::<wrt_cpu_partition_t>(), wrt_rs_align_wrt_cpu_partition_t());
        assert_eq!(size_of::<wrt_cpu_partition_config_t>(), wrt_rs_size_wrt_cpu_partition_config_t());
        assert_eq!(align_of::<wrt_cpu_partition_config_t>(), wrt_rs_align_wrt_cpu_partition_config_t());
        assert_eq!(size_of::<wrt_cpu_partition_info_t>(), wrt_rs_size_wrt_cpu_partition_info_t());
        assert_eq!(align_of::<wrt_cpu_partition_info_t>(), wrt_rs_align_wrt_cpu_partition_info_t());
        assert_eq!(offset_of!(wrt_cpu_partition_t, os_error), wrt_rs_offset_wrt_cpu_partition_t_os_error());
        assert_eq!(offset_of!(wrt_cpu_partition_t, created_ns), wrt_rs_offset_wrt_cpu_partition_t_created_ns());
        assert_eq!(offset_of!(wrt_cpu_partition_t, path), wrt_rs_offset_wrt_cpu_partition_t_path());
        assert_eq!(offset_of!(wrt_cpu_partition_info_t, usage_ns), wrt_rs_offset_wrt_cpu_partition_info_t_usage_ns());
        assert_eq!(wrt_rs_const_WRT_E_PERMISSION(), u64::from(WRT_E_PERMISSION));
    }
}
