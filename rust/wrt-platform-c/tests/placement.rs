//! Placement through the safe API (issue 27): THP regions on a 2 MiB base
//! with the smaps share reported, a shared region's object read by a second
//! process (`cat /proc/<pid>/fd/<fd>`), NUMA node 0 and a missing node, and
//! on QNX (the Neutrino host model) huge pages refused, shared regions built.

mod common;

use core::pin::pin;

use common::poke;
use wrt_platform_c::{AllocatorSlot, Error, HugePages, Placement, WASM_PAGE_SIZE};

fn thp_enabled() -> bool {
    std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
        .map(|s| !s.contains("[never]"))
        .unwrap_or(false)
}

/// A second process reads the object behind fd: its bytes, as `cat` sees them.
fn peer_read(fd: i32) -> Vec<u8> {
    let path = format!("/proc/{}/fd/{}", std::process::id(), fd);
    let out = std::process::Command::new("cat").arg(path).output().expect("run cat");
    assert!(out.status.success());
    out.stdout
}

#[cfg(target_os = "linux")]
mod linux {
    use super::*;
    use wrt_platform_c::{Linux, LinuxAllocatorConfig};

    fn cfg(p: Placement) -> LinuxAllocatorConfig {
        LinuxAllocatorConfig { max_pages: 64, placement: p, ..LinuxAllocatorConfig::default() }
    }

    #[test]
    fn thp_region_reports_what_it_got() {
        let p = Placement { huge: HugePages::Transparent, ..Placement::default() };
        let slot = pin!(AllocatorSlot::<Linux>::new());
        if !thp_enabled() {
            assert_eq!(slot.as_ref().init(&cfg(p)).err(), Some(Error::Unsupported));
            return;
        }
        let a = slot.as_ref().init(&cfg(p)).unwrap();
        let r = a.allocate(32, Some(64)).unwrap();
        assert_eq!(r.base.as_ptr() as usize % (2 << 20), 0);
        for i in (0..r.size).step_by(4096) {
            poke(r.base, i, 1);
        }
        let info = a.placement_info().unwrap();
        assert_eq!(info.huge, HugePages::Transparent);
        let huge = info.huge_bytes.expect("smaps readable");
        assert!(huge <= info.resident_bytes);
        assert_eq!(a.shared_fd(), Err(Error::State));
    }

    #[test]
    fn shared_region_seen_by_a_second_process() {
        let p = Placement { shared: true, ..Placement::default() };
        let slot = pin!(AllocatorSlot::<Linux>::new());
        let a = slot.as_ref().init(&cfg(p)).unwrap();
        let r = a.allocate(1, Some(8)).unwrap();
        for i in 0..r.size {
            poke(r.base, i, (i % 251) as u8);
        }
        let fd = a.shared_fd().unwrap();
        let seen = peer_read(fd);
        assert_eq!(seen.len(), WASM_PAGE_SIZE);
        assert!(seen.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
        let g = a.grow(1, 1).unwrap();
        assert_eq!(g.base, r.base);
        assert_eq!(peer_read(fd).len(), 2 * WASM_PAGE_SIZE);
        assert!(a.placement_info().unwrap().shared);
    }

    #[test]
    fn numa_node_zero_works_missing_node_refused() {
        let slot = pin!(AllocatorSlot::<Linux>::new());
        let a = slot.as_ref().init(&cfg(Placement { numa_node: Some(0), ..Placement::default() })).unwrap();
        let r = a.allocate(2, Some(4)).unwrap();
        poke(r.base, 0, 1);
        assert_eq!(a.placement_info().unwrap().numa_node, Some(0));
        let slot2 = pin!(AllocatorSlot::<Linux>::new());
        let bad = Placement { numa_node: Some(1023), ..Placement::default() };
        assert_eq!(slot2.as_ref().init(&cfg(bad)).err(), Some(Error::InvalidArg));
        let way_off = Placement { numa_node: Some(u32::MAX), ..Placement::default() };
        assert_eq!(slot2.as_ref().init(&cfg(way_off)).err(), Some(Error::InvalidArg));
    }
}

#[cfg(any(target_os = "nto", feature = "qnx-model"))]
mod qnx {
    use super::*;
    use wrt_platform_c::{Qnx, QnxAllocatorBuilder};

    #[test]
    fn huge_and_numa_refused_shared_built() {
        let slot = pin!(AllocatorSlot::<Qnx>::new());
        let huge = QnxAllocatorBuilder::new()
            .with_placement(Placement { huge: HugePages::Transparent, ..Placement::default() })
            .build();
        assert_eq!(slot.as_ref().init(&huge).err(), Some(Error::Unsupported));
        let numa = QnxAllocatorBuilder::new()
            .with_placement(Placement { numa_node: Some(0), ..Placement::default() })
            .build();
        assert_eq!(slot.as_ref().init(&numa).err(), Some(Error::Unsupported));
        let shared = QnxAllocatorBuilder::new()
            .with_max_pages(16)
            .with_reserve_pages(4)
            .with_placement(Placement { shared: true, ..Placement::default() })
            .build();
        let a = slot.as_ref().init(&shared).unwrap();
        let r = a.allocate(1, Some(4)).unwrap();
        for i in 0..r.size {
            poke(r.base, i, (i % 7) as u8);
        }
        let seen = peer_read(a.shared_fd().unwrap());
        // The QNX object spans the whole reservation (qnx_shared_memory.c).
        assert_eq!(seen.len(), 4 * WASM_PAGE_SIZE);
        assert!(seen[..r.size].iter().enumerate().all(|(i, &b)| b == (i % 7) as u8));
    }
}
