//! The slot pool through the safe API (issue 25), on every backend built
//! in: a slot handed out again reads as zero, its pages past the region are
//! inaccessible (checked through the process's mappings), a full pool is
//! `Limit`, a grow past the slot is `Limit`, and dropping a `PooledMemory`
//! gives its slot back.

mod common;

use core::pin::pin;

use common::mapping_perms;
use wrt_platform_c::{Error, PoolConfig, PoolStorage, WASM_PAGE_SIZE};

const PAGE: usize = WASM_PAGE_SIZE;

fn cfg() -> PoolConfig {
    PoolConfig { slot_pages: 8, keep_resident: PAGE, ..PoolConfig::default() }
}

macro_rules! pool_tests {
    ($name:ident, $init:ident) => {
        mod $name {
            use super::*;

            #[test]
            fn reacquired_slot_reads_zero_and_guards_hold() {
                let storage = pin!(PoolStorage::<2>::new());
                let pool = storage.as_ref().$init(&cfg()).unwrap();
                for _ in 0..3 {
                    let mut m = pool.acquire().unwrap();
                    m.allocate(1, Some(4)).unwrap();
                    let r = m.grow(1, 2).unwrap();
                    // SAFETY: [base, base + size) is committed and ours.
                    let bytes = unsafe { core::slice::from_raw_parts_mut(r.base.as_ptr(), r.size) };
                    assert!(bytes.iter().all(|&b| b == 0));
                    bytes.fill(0xA5);
                    let info = m.query().unwrap();
                    assert_eq!(info.accessible, 3 * PAGE);
                    let end = r.base.as_ptr() as usize + r.size;
                    assert_eq!(mapping_perms(end).as_deref(), Some("---"));
                    assert_eq!(mapping_perms(r.base.as_ptr() as usize - 1).as_deref(), Some("---"));
                    drop(m);
                    assert_eq!(pool.in_use(), 0);
                }
            }

            #[test]
            fn software_bounds_leaves_committed_pages_accessible_and_zeroed() {
                let storage = pin!(PoolStorage::<1>::new());
                let sb = PoolConfig { software_bounds: true, ..cfg() };
                let pool = storage.as_ref().$init(&sb).unwrap();
                for round in 0..3 {
                    let mut m = pool.acquire().unwrap();
                    let r = m.allocate(0, Some(4)).unwrap();
                    assert_eq!(r.size, 0);
                    let base = r.base.as_ptr() as usize;
                    // Past the size: read-write once committed (round 1 on),
                    // never before; the guard before the base always faults.
                    let want = if round == 0 { "---" } else { "rw-" };
                    assert_eq!(mapping_perms(base).as_deref(), Some(want));
                    assert_eq!(mapping_perms(base - 1).as_deref(), Some("---"));
                    let r = m.grow(0, 1).unwrap();
                    // SAFETY: [base, base + size) is committed and ours.
                    let bytes = unsafe { core::slice::from_raw_parts_mut(r.base.as_ptr(), r.size) };
                    assert!(bytes.iter().all(|&b| b == 0));
                    bytes.fill(0x5A);
                    assert_eq!(m.query().unwrap().accessible, PAGE);
                    drop(m);
                }
            }

            #[test]
            fn full_pool_and_grow_past_slot_are_limit() {
                let storage = pin!(PoolStorage::<2>::new());
                let pool = storage.as_ref().$init(&cfg()).unwrap();
                let mut a = pool.acquire().unwrap();
                let _b = pool.acquire().unwrap();
                assert_eq!(pool.acquire().err(), Some(Error::Limit));
                assert_eq!(a.allocate(1, Some(9)).err(), Some(Error::Limit));
                a.allocate(1, None).unwrap();
                a.grow(1, 7).unwrap();
                assert_eq!(a.grow(8, 1).err(), Some(Error::Limit));
                drop(a);
                let _c = pool.acquire().unwrap();
                assert_eq!(pool.in_use(), 2);
            }
        }
    };
}

#[cfg(target_os = "linux")]
pool_tests!(linux, init_linux);
#[cfg(feature = "qnx-model")]
pool_tests!(qnx_model, init_qnx);
