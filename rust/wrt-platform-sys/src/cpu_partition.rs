//! `wrt/cpu_partition.h`: CPU partitions (QNX adaptive partitioning, Linux
//! cgroups). The storage type mirrors the C struct field by field
//! (`tests/layout.rs` checks its size and alignment against the C compiler).

use core::ffi::{c_char, c_int};

use crate::wrt_status;

pub const WRT_CPU_PARTITION_NAME_MAX: usize = 15;
pub const WRT_CPU_PARTITION_PATH_MAX: usize = 256;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wrt_cpu_partition_config_t {
    pub name: *const c_char,
    pub budget_percent: u32,
    pub critical_budget_ms: u32,
    pub cgroup_mount: *const c_char,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct wrt_cpu_partition_info_t {
    pub budget_percent: u32,
    pub critical_budget_ms: u32,
    pub usage_known: bool,
    pub usage_ns: u64,
    pub usage_window_ns: u64,
}

/// Caller-owned storage; the fields are private to the C library.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wrt_cpu_partition_t {
    pub live: bool,
    pub kind: u8,
    pub budget_percent: u32,
    pub critical_budget_ms: u32,
    pub id: i32,
    pub parent_id: i32,
    pub os_error: c_int,
    pub created_ns: u64,
    pub name: [c_char; WRT_CPU_PARTITION_NAME_MAX + 1],
    pub path: [c_char; WRT_CPU_PARTITION_PATH_MAX],
}

impl wrt_cpu_partition_t {
    /// The zeroed (not live) object the C calls expect.
    pub const ZEROED: Self = Self {
        live: false,
        kind: 0,
        budget_percent: 0,
        critical_budget_ms: 0,
        id: 0,
        parent_id: 0,
        os_error: 0,
        created_ns: 0,
        name: [0; WRT_CPU_PARTITION_NAME_MAX + 1],
        path: [0; WRT_CPU_PARTITION_PATH_MAX],
    };
}

extern "C" {
    pub fn wrt_cpu_partition_os_error(p: *const wrt_cpu_partition_t) -> c_int;
}

#[cfg(target_os = "linux")]
extern "C" {
    pub fn wrt_linux_cpu_partition_create(p: *mut wrt_cpu_partition_t, cfg: *const wrt_cpu_partition_config_t) -> wrt_status;
    pub fn wrt_linux_cpu_partition_join(p: *mut wrt_cpu_partition_t, tid: i32) -> wrt_status;
    pub fn wrt_linux_cpu_partition_leave(p: *mut wrt_cpu_partition_t, tid: i32) -> wrt_status;
    pub fn wrt_linux_cpu_partition_query(p: *const wrt_cpu_partition_t, out: *mut wrt_cpu_partition_info_t) -> wrt_status;
    pub fn wrt_linux_cpu_partition_destroy(p: *mut wrt_cpu_partition_t) -> wrt_status;
}

#[cfg(any(target_os = "nto", feature = "qnx-model"))]
extern "C" {
    pub fn wrt_qnx_cpu_partition_create(p: *mut wrt_cpu_partition_t, cfg: *const wrt_cpu_partition_config_t) -> wrt_status;
    pub fn wrt_qnx_cpu_partition_open(p: *mut wrt_cpu_partition_t, name: *const c_char) -> wrt_status;
    pub fn wrt_qnx_cpu_partition_join(p: *mut wrt_cpu_partition_t, tid: i32) -> wrt_status;
    pub fn wrt_qnx_cpu_partition_leave(p: *mut wrt_cpu_partition_t, tid: i32) -> wrt_status;
    pub fn wrt_qnx_cpu_partition_query(p: *const wrt_cpu_partition_t, out: *mut wrt_cpu_partition_info_t) -> wrt_status;
    pub fn wrt_qnx_cpu_partition_destroy(p: *mut wrt_cpu_partition_t) -> wrt_status;
}
