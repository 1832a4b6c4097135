//! CPU partitions (`wrt/cpu_partition.h`): a guaranteed share of the CPU for
//! the threads that run a Wasm instance - QNX adaptive partitioning
//! (`SchedCtl` `SCHED_APS_*`), Linux cgroups (`cpu.shares` / `cpu.weight`).
//! Semantics and OS rules are the C header's: a guaranteed minimum that
//! borrows idle time; APS partitions cannot be deleted (destroy releases the
//! handle); a Linux group goes only when no thread is left in it.
//!
//! ```no_run
//! use wrt_platform_c::{CpuPartitionBackend, CpuPartitionBuilder};
//!
//! let mut part = CpuPartitionBuilder::new(c"wasm")
//!     .budget_percent(20)
//!     .create(CpuPartitionBackend::Linux)?;
//! let answer = part.run(|| 6 * 7)?; // the instance's work, in the partition
//! part.destroy()?;
//! # Ok::<(), wrt_platform_c::Error>(())
//! ```

use core::ffi::CStr;

use crate::error::{check, Result};
use wrt_platform_sys as sys;

/// Which OS mechanism a partition uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CpuPartitionBackend {
    /// Linux cgroups (v1 `cpu.shares`, v2 `cpu.weight`).
    #[cfg(target_os = "linux")]
    Linux,
    /// QNX adaptive partitioning (on a Linux host: the Neutrino host model).
    #[cfg(any(target_os = "nto", feature = "qnx-model"))]
    Qnx,
}

/// Budget, critical budget and measured use of a partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuPartitionInfo {
    /// The guaranteed share, percent of one CPU.
    pub budget_percent: u32,
    /// QNX: the critical budget in ms (0: none).
    pub critical_budget_ms: u32,
    /// CPU time used in the window below; `None` where the OS does not
    /// account it where the library can read it.
    pub usage_ns: Option<u64>,
    /// QNX: the averaging window; Linux: the time since creation.
    pub usage_window_ns: u64,
}

/// Builder of a [`CpuPartition`].
#[derive(Debug, Clone, Copy)]
pub struct CpuPartitionBuilder<'a> {
    name: &'a CStr,
    budget_percent: u32,
    critical_budget_ms: u32,
    cgroup_mount: Option<&'a CStr>,
}

impl<'a> CpuPartitionBuilder<'a> {
    /// A partition called `name` (1..15 of `[A-Za-z0-9_-]`, not starting
    /// with a digit), budget 10 %.
    #[must_use]
    pub const fn new(name: &'a CStr) -> Self {
        Self { name, budget_percent: 10, critical_budget_ms: 0, cgroup_mount: None }
    }
    /// The guaranteed share, 1..=100 percent.
    #[must_use]
    pub const fn budget_percent(mut self, percent: u32) -> Self {
        self.budget_percent = percent;
        self
    }
    /// QNX only: the APS critical budget (Linux refuses a non-zero one).
    #[must_use]
    pub const fn critical_budget_ms(mut self, ms: u32) -> Self {
        self.critical_budget_ms = ms;
        self
    }
    /// Linux only: the cgroup hierarchy to use instead of the one found in
    /// `/proc/self/mounts`.
    #[must_use]
    pub const fn cgroup_mount(mut self, dir: &'a CStr) -> Self {
        self.cgroup_mount = Some(dir);
        self
    }

    /// Creates the partition. Errors: `InvalidArg` (name, budget),
    /// `Permission` (no privilege to create it), `Unsupported` (no cgroup
    /// controller, no APS, SDP 8.0, a critical budget on Linux), `Limit`
    /// (APS: not enough budget left, or no slot), `State` (the name is
    /// taken), `Os`. On error nothing is left behind in the OS.
    pub fn create(self, backend: CpuPartitionBackend) -> Result<CpuPartition> {
        let cfg = sys::wrt_cpu_partition_config_t {
            name: self.name.as_ptr(),
            budget_percent: self.budget_percent,
            critical_budget_ms: self.critical_budget_ms,
            cgroup_mount: self.cgroup_mount.map_or(core::ptr::null(), CStr::as_ptr),
        };
        let mut raw = sys::wrt_cpu_partition_t::ZEROED;
        // SAFETY: raw is a zeroed (not live) object and cfg points to valid
        // NUL-terminated strings that outlive the call (create copies them).
        let st = unsafe {
            match backend {
                #[cfg(target_os = "linux")]
                CpuPartitionBackend::Linux => sys::wrt_linux_cpu_partition_create(&mut raw, &cfg),
                #[cfg(any(target_os = "nto", feature = "qnx-model"))]
                CpuPartitionBackend::Qnx => sys::wrt_qnx_cpu_partition_create(&mut raw, &cfg),
            }
        };
        check(st)?;
        Ok(CpuPartition { raw, backend })
    }
}

/// A live partition. The C object holds no pointer into itself, so moving
/// the handle is fine; it is not `Clone` (one handle per partition).
#[derive(Debug)]
pub struct CpuPartition {
    raw: sys::wrt_cpu_partition_t,
    backend: CpuPartitionBackend,
}

impl CpuPartition {
    /// The OS thread `tid` joins (0: the calling thread; Linux: `gettid()`,
    /// QNX: the thread id).
    pub fn join(&mut self, tid: i32) -> Result<()> {
        // SAFETY: self.raw is a live partition object owned by self.
        check(unsafe {
            match self.backend {
                #[cfg(target_os = "linux")]
                CpuPartitionBackend::Linux => sys::wrt_linux_cpu_partition_join(&mut self.raw, tid),
                #[cfg(any(target_os = "nto", feature = "qnx-model"))]
                CpuPartitionBackend::Qnx => sys::wrt_qnx_cpu_partition_join(&mut self.raw, tid),
            }
        })
    }

    /// The thread leaves: back to the group / partition the budget came from.
    pub fn leave(&mut self, tid: i32) -> Result<()> {
        // SAFETY: as in join.
        check(unsafe {
            match self.backend {
                #[cfg(target_os = "linux")]
                CpuPartitionBackend::Linux => sys::wrt_linux_cpu_partition_leave(&mut self.raw, tid),
                #[cfg(any(target_os = "nto", feature = "qnx-model"))]
                CpuPartitionBackend::Qnx => sys::wrt_qnx_cpu_partition_leave(&mut self.raw, tid),
            }
        })
    }

    /// Runs `f` (an instance's instantiate and calls) on the calling thread
    /// inside the partition, then leaves it again. If `f` panics the thread
    /// stays in the partition until it leaves or exits.
    pub fn run<R>(&mut self, f: impl FnOnce() -> R) -> Result<R> {
        self.join(0)?;
        let r = f();
        self.leave(0)?;
        Ok(r)
    }

    /// Budget and measured use.
    pub fn query(&self) -> Result<CpuPartitionInfo> {
        let mut info = sys::wrt_cpu_partition_info_t::default();
        // SAFETY: self.raw is live; info is a valid out-parameter.
        check(unsafe {
            match self.backend {
                #[cfg(target_os = "linux")]
                CpuPartitionBackend::Linux => sys::wrt_linux_cpu_partition_query(&self.raw, &mut info),
                #[cfg(any(target_os = "nto", feature = "qnx-model"))]
                CpuPartitionBackend::Qnx => sys::wrt_qnx_cpu_partition_query(&self.raw, &mut info),
            }
        })?;
        Ok(CpuPartitionInfo {
            budget_percent: info.budget_percent,
            critical_budget_ms: info.critical_budget_ms,
            usage_ns: info.usage_known.then_some(info.usage_ns),
            usage_window_ns: info.usage_window_ns,
        })
    }

    /// The errno of the last failed OS call (0 if none).
    #[must_use]
    pub fn os_error(&self) -> i32 {
        // SAFETY: reads a field of a valid object.
        unsafe { sys::wrt_cpu_partition_os_error(&self.raw) }
    }

    /// The cgroup directory (Linux), empty on QNX.
    #[must_use]
    pub fn path(&self) -> &CStr {
        // SAFETY: the C library keeps path NUL-terminated (zeroed or a
        // copied string shorter than the array).
        unsafe { CStr::from_ptr(self.raw.path.as_ptr()) }
    }

    /// Releases the partition (Linux: removes the group, `State` while a
    /// thread is still in it; QNX: releases the handle, the APS partition
    /// stays). After success the handle is inert (join, leave and query
    /// give `State`; another destroy is `Ok` and does nothing); on error
    /// nothing changed and it may be retried (e.g. after `leave`).
    pub fn destroy(&mut self) -> Result<()> {
        self.destroy_raw()
    }

    fn destroy_raw(&mut self) -> Result<()> {
        if !self.raw.live {
            return Ok(());
        }
        // SAFETY: self.raw is live and owned by self.
        check(unsafe {
            match self.backend {
                #[cfg(target_os = "linux")]
                CpuPartitionBackend::Linux => sys::wrt_linux_cpu_partition_destroy(&mut self.raw),
                #[cfg(any(target_os = "nto", feature = "qnx-model"))]
                CpuPartitionBackend::Qnx => sys::wrt_qnx_cpu_partition_destroy(&mut self.raw),
            }
        })
    }
}

impl Drop for CpuPartition {
    /// Best effort: a group a thread is still in cannot be removed, and a
    /// destructor cannot report it (use [`CpuPartition::destroy`]).
    fn drop(&mut self) {
        let _ = self.destroy_raw();
    }
}
