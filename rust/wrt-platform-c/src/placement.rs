//! Where a linear memory lives (`wrt/placement.h`): huge pages, a shared
//! memory object, a NUMA node. Set through [`LinuxAllocatorConfig::placement`](crate::LinuxAllocatorConfig::placement)
//! (crate::linux) or `QnxAllocatorConfigBuilder::with_placement`; read back what a
//! region got with [`AllocatorHandle::placement_info`](crate::AllocatorHandle::placement_info) (Linux) and the shared
//! object's descriptor with `shared_fd`. What each OS guarantees, and what
//! QNX refuses (huge pages and NUMA nodes: `Error::Unsupported`), is in
//! docs/placement.md.

use core::ffi::{c_int, CStr};
use core::ptr;

use wrt_platform_sys as sys;

/// Page size of a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HugePages {
    /// The OS's base pages.
    #[default]
    None,
    /// Linux transparent huge pages (a hint; the region's base on 2 MiB).
    Transparent,
    /// Linux hugetlb pages from the reserved pool, or a clean `NoMemory`.
    Explicit,
}

/// How a NUMA binding is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NumaPolicy {
    /// Only the node (Linux MPOL_BIND).
    #[default]
    Strict,
    /// The node first (Linux MPOL_PREFERRED).
    Preferred,
}

/// `wrt_placement_t`; `Default` is `wrt_placement_default()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Page size.
    pub huge: HugePages,
    /// `Explicit` only: fall back to THP / base pages when the pool is empty.
    pub huge_fallback: bool,
    /// Back the region by a memory object another process can map.
    pub shared: bool,
    /// `shared` only: a POSIX shm name (`c"/name"`), or `None`: anonymous.
    pub shm_name: Option<&'static CStr>,
    /// Permission bits of a named object (default 0o600).
    pub shm_mode: u32,
    /// A NUMA node, or `None`: the OS's default placement.
    pub numa_node: Option<u32>,
    /// How `numa_node` binds.
    pub numa_policy: NumaPolicy,
}

impl Default for Placement {
    fn default() -> Self {
        Self {
            huge: HugePages::None,
            huge_fallback: false,
            shared: false,
            shm_name: None,
            shm_mode: 0o600,
            numa_node: None,
            numa_policy: NumaPolicy::Strict,
        }
    }
}

impl Placement {
    pub(crate) fn to_c(self) -> sys::wrt_placement_t {
        sys::wrt_placement_t {
            huge: match self.huge {
                HugePages::None => sys::WRT_HUGE_NONE,
                HugePages::Transparent => sys::WRT_HUGE_TRANSPARENT,
                HugePages::Explicit => sys::WRT_HUGE_EXPLICIT,
            },
            huge_fallback: self.huge_fallback,
            shared: self.shared,
            shm_name: self.shm_name.map_or(ptr::null(), CStr::as_ptr),
            shm_mode: self.shm_mode,
            // A node above c_int's range is out of WRT_NUMA_MAX_NODE too:
            // pass one the C library refuses (INVALID_ARG).
            numa_node: self.numa_node.map_or(sys::WRT_NUMA_ANY, |n| {
                c_int::try_from(n).unwrap_or(sys::WRT_NUMA_MAX_NODE + 1)
            }),
            numa_policy: match self.numa_policy {
                NumaPolicy::Strict => sys::WRT_NUMA_STRICT,
                NumaPolicy::Preferred => sys::WRT_NUMA_PREFERRED,
            },
        }
    }
}

/// What a region got (`wrt_placement_info_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlacementInfo {
    /// What was applied (`Explicit` may have fallen back).
    pub huge: HugePages,
    /// The region is a shared object.
    pub shared: bool,
    /// The node bound to, if any.
    pub numa_node: Option<u32>,
    /// Bytes of the region's span on huge pages now (`None`: the OS cannot
    /// tell).
    pub huge_bytes: Option<usize>,
    /// Resident bytes over the same span (0 when unknown).
    pub resident_bytes: usize,
    /// The huge page size used (0: none).
    pub huge_page_size: usize,
}

#[cfg(target_os = "linux")]
mod linux_queries {
    use super::{HugePages, PlacementInfo};
    use crate::error::check;
    use crate::linux::Linux;
    use crate::memory::AllocatorHandle;
    use crate::Result;
    use core::ffi::c_int;
    use core::mem::MaybeUninit;
    use wrt_platform_sys as sys;

    impl AllocatorHandle<'_, Linux> {
        /// What the region got (`wrt_linux_allocator_placement_info`):
        /// reads /proc/self/smaps. `Error::State` with no region.
        pub fn placement_info(&self) -> Result<PlacementInfo> {
            let mut out = MaybeUninit::<sys::wrt_placement_info_t>::uninit();
            // SAFETY: raw is the initialised, pinned C object (with_raw
            // holds the allocator); out is valid for one write, and is read
            // only after the call returned OK, which fills it.
            let st = self.with_raw(|raw| unsafe {
                sys::wrt_linux_allocator_placement_info(raw, out.as_mut_ptr())
            })?;
            check(st)?;
            // SAFETY: OK means *out was written.
            let i = unsafe { out.assume_init() };
            Ok(PlacementInfo {
                huge: match i.huge {
                    sys::WRT_HUGE_TRANSPARENT => HugePages::Transparent,
                    sys::WRT_HUGE_EXPLICIT => HugePages::Explicit,
                    _ => HugePages::None,
                },
                shared: i.shared,
                numa_node: u32::try_from(i.numa_node).ok(),
                huge_bytes: if i.huge_known { Some(i.huge_bytes) } else { None },
                resident_bytes: i.resident_bytes,
                huge_page_size: i.huge_page_size,
            })
        }

        /// The shared region's object descriptor, owned by the allocator
        /// (close-on-exec; valid until deallocate): `dup` it to keep it.
        /// `Error::State` when the region is not shared.
        pub fn shared_fd(&self) -> Result<c_int> {
            let mut fd: c_int = -1;
            // SAFETY: as above; fd is a valid out-pointer.
            let st = self.with_raw(|raw| unsafe { sys::wrt_linux_allocator_shared_fd(raw, &mut fd) })?;
            check(st)?;
            Ok(fd)
        }
    }
}

#[cfg(any(target_os = "nto", feature = "qnx-model"))]
mod qnx_queries {
    use crate::error::check;
    use crate::memory::AllocatorHandle;
    use crate::qnx::Qnx;
    use crate::Result;
    use core::ffi::c_int;
    use wrt_platform_sys as sys;

    impl AllocatorHandle<'_, Qnx> {
        /// The shared region's object descriptor (`wrt_qnx_allocator_shared_fd`).
        pub fn shared_fd(&self) -> Result<c_int> {
            let mut fd: c_int = -1;
            // SAFETY: raw is the initialised, pinned C object; fd is a valid
            // out-pointer.
            let st = self.with_raw(|raw| unsafe { sys::wrt_qnx_allocator_shared_fd(raw, &mut fd) })?;
            check(st)?;
            Ok(fd)
        }
    }
}
