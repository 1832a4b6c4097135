//! The page allocator through the safe API, on every backend built in:
//! what the C selftest's MEM checks ask that Rust can reach without fork
//! (guard pages are checked through the process's mappings instead of by
//! faulting), plus what WRT relies on.

mod common;

use core::pin::{pin, Pin};
use std::ptr::NonNull;

use common::{mapping_perms, peek, poke, zero_between};
use wrt_platform_c::{Access, AllocatorBackend, AllocatorSlot, Error, Growth, WASM_PAGE_SIZE};

const PAGE: usize = WASM_PAGE_SIZE;

macro_rules! memory_tests {
    ($name:ident, $backend:ty, $cfg:expr) => {
        mod $name {
            use super::*;
            type B = $backend;

            fn cfg(f: impl FnOnce(&mut <B as AllocatorBackend>::Config)) -> <B as AllocatorBackend>::Config {
                #[allow(unused_mut)]
                let mut c = $cfg;
                f(&mut c);
                c
            }

            #[test]
            fn allocate_aligned_zeroed_read_write() {
                let _serial = common::serial();
                let slot = pin!(AllocatorSlot::<B>::new());
                let a = slot.as_ref().init(&cfg(|_| {})).unwrap();
                let r = a.allocate(3, Some(8)).unwrap();
                assert_eq!(r.base.as_ptr() as usize % PAGE, 0, "base 64 KiB-aligned");
                assert_eq!(r.size, 3 * PAGE);
                assert!(zero_between(r.base, 0, r.size));
                poke(r.base, 0, 1);
                poke(r.base, r.size - 1, 2);
                assert_eq!((peek(r.base, 0), peek(r.base, r.size - 1)), (1, 2));
                assert_eq!(mapping_perms(r.base.as_ptr() as usize).as_deref(), Some("rw-"));
                // SAFETY: no reference into the region.
                unsafe { a.deallocate(r.base, r.size).unwrap() };
            }

            #[test]
            fn grow_in_place_never_moves_keeps_contents_new_pages_zero() {
                let _serial = common::serial();
                let slot = pin!(AllocatorSlot::<B>::new());
                let a = slot.as_ref().init(&cfg(|c| c.growth = Growth::Reserve)).unwrap();
                let r = a.allocate(1, Some(64)).unwrap();
                poke(r.base, 7, 0xA5);
                let mut pages = 1;
                for add in [1, 2, 5, 55] {
                    let g = a.grow(pages, add).unwrap();
                    pages += add;
                    assert_eq!(g.base, r.base, "RESERVE grow within the reservation moved the base");
                    assert_eq!(g.size, pages as usize * PAGE);
                    assert!(zero_between(g.base, (pages - add) as usize * PAGE, g.size));
                    assert_eq!(peek(g.base, 7), 0xA5);
                }
                assert_eq!(a.grow(pages, 1), Err(Error::Limit));
                // SAFETY: no reference into the region.
                unsafe { a.deallocate(r.base, pages as usize * PAGE).unwrap() };
            }

            #[test]
            fn exact_grow_moves_and_keeps_contents() {
                let _serial = common::serial();
                let slot = pin!(AllocatorSlot::<B>::new());
                let a = slot.as_ref().init(&cfg(|c| c.growth = Growth::Exact)).unwrap();
                let r = a.allocate(1, Some(4)).unwrap();
                poke(r.base, 100, 9);
                let g = a.grow(1, 2).unwrap();
                assert_eq!(peek(g.base, 100), 9);
                assert!(zero_between(g.base, PAGE, g.size));
                // SAFETY: no reference into the region.
                unsafe { a.deallocate(g.base, g.size).unwrap() };
            }

            #[test]
            fn grow_past_maximum_is_limit_and_changes_nothing() {
                let _serial = common::serial();
                let slot = pin!(AllocatorSlot::<B>::new());
                let a = slot.as_ref().init(&cfg(|_| {})).unwrap();
                let r = a.allocate(2, Some(3)).unwrap();
                poke(r.base, 0, 5);
                assert_eq!(a.grow(2, 2), Err(Error::Limit));
                assert_eq!(a.grow(2, 0).unwrap(), r, "grow by 0 reports the unchanged region");
                assert_eq!(peek(r.base, 0), 5);
                // SAFETY: no reference into the region.
                unsafe { a.deallocate(r.base, r.size).unwrap() };
            }

            #[test]
            fn maximum_none_is_the_configured_max_and_above_it_is_limit() {
                let _serial = common::serial();
                let slot = pin!(AllocatorSlot::<B>::new());
                let a = slot.as_ref().init(&cfg(|c| c.max_pages = 4)).unwrap();
                assert_eq!(a.allocate(1, Some(5)), Err(Error::Limit));
                let r = a.allocate(1, None).unwrap();
                assert_eq!(a.grow(1, 3).unwrap().size, 4 * PAGE);
                assert_eq!(a.grow(4, 1), Err(Error::Limit));
                // SAFETY: no reference into the region.
                unsafe { a.deallocate(r.base, 4 * PAGE).unwrap() };
                assert_eq!(a.allocate(1, Some(u32::MAX)), Err(Error::InvalidArg));
            }

            #[test]
            fn maximum_zero_is_a_real_maximum() {
                let _serial = common::serial();
                let slot = pin!(AllocatorSlot::<B>::new());
                let a = slot.as_ref().init(&cfg(|_| {})).unwrap();
                assert_eq!(a.allocate(1, Some(0)), Err(Error::InvalidArg), "initial > maximum");
                let r = a.allocate(0, Some(0)).unwrap();
                assert_eq!(r.size, 0);
                assert_eq!(a.grow(0, 1), Err(Error::Limit));
                // SAFETY: no reference into the region.
                unsafe { a.deallocate(r.base, 0).unwrap() };
            }

            #[test]
            fn bad_arguments_change_nothing() {
                let _serial = common::serial();
                let slot = pin!(AllocatorSlot::<B>::new());
                let a = slot.as_ref().init(&cfg(|_| {})).unwrap();
                assert_eq!(a.allocate(3, Some(2)), Err(Error::InvalidArg));
                assert_eq!(a.allocate(65537, None), Err(Error::InvalidArg));
                let r = a.allocate(1, Some(4)).unwrap();
                assert_eq!(a.allocate(1, Some(4)), Err(Error::State), "second region");
                assert_eq!(a.grow(2, 1), Err(Error::InvalidArg), "wrong current_pages");
                // SAFETY: refused calls, region untouched.
                unsafe {
                    assert_eq!(a.deallocate(r.base, PAGE * 2), Err(Error::State));
                    let other = NonNull::new(r.base.as_ptr().wrapping_add(PAGE)).unwrap();
                    assert_eq!(a.deallocate(other, PAGE), Err(Error::State));
                }
                // SAFETY: no reference into the region exists.
                unsafe {
                    assert_eq!(a.protect(1, 4096, Access::Read), Err(Error::InvalidArg), "unaligned");
                    assert_eq!(a.protect(0, 0, Access::Read), Err(Error::InvalidArg), "empty");
                    assert_eq!(a.protect(0, 2 * PAGE, Access::Read), Err(Error::InvalidArg), "outside");
                }
                poke(r.base, 0, 1);
                // SAFETY: no reference into the region.
                unsafe { a.deallocate(r.base, r.size).unwrap() };
                // After deallocate: a new region can be had.
                let r2 = a.allocate(1, None).unwrap();
                // SAFETY: no reference into the region.
                unsafe { a.deallocate(r2.base, r2.size).unwrap() };
            }

            #[test]
            fn protect_changes_the_mapping() {
                let _serial = common::serial();
                let slot = pin!(AllocatorSlot::<B>::new());
                let a = slot.as_ref().init(&cfg(|_| {})).unwrap();
                let r = a.allocate(2, Some(2)).unwrap();
                let second = r.base.as_ptr() as usize + PAGE;
                // SAFETY: no reference into the region exists; the test only
                // reads /proc/self/maps.
                unsafe { a.protect(PAGE, PAGE, Access::Read).unwrap() };
                assert_eq!(mapping_perms(second).as_deref(), Some("r--"));
                // SAFETY: as above.
                unsafe { a.protect(PAGE, PAGE, Access::None).unwrap() };
                assert_eq!(mapping_perms(second).as_deref(), Some("---"));
                assert_eq!(mapping_perms(r.base.as_ptr() as usize).as_deref(), Some("rw-"));
                // SAFETY: as above.
                unsafe { a.protect(0, 2 * PAGE, Access::ReadWrite).unwrap() };
                assert_eq!(mapping_perms(second).as_deref(), Some("rw-"));
                // SAFETY: no reference into the region.
                unsafe { a.deallocate(r.base, r.size).unwrap() };
            }

            #[test]
            fn moving_grow_with_narrowed_protection_is_state() {
                let _serial = common::serial();
                let slot = pin!(AllocatorSlot::<B>::new());
                let a = slot.as_ref().init(&cfg(|c| c.growth = Growth::Exact)).unwrap();
                a.allocate(1, Some(4)).unwrap();
                // SAFETY: no reference into the region exists.
                unsafe { a.protect(0, PAGE, Access::None).unwrap() };
                assert_eq!(a.grow(1, 1), Err(Error::State));
                // SAFETY: as above.
                unsafe { a.protect(0, PAGE, Access::ReadWrite).unwrap() };
                let g = a.grow(1, 1).unwrap();
                // SAFETY: no reference into the region.
                unsafe { a.deallocate(g.base, g.size).unwrap() };
            }

            #[test]
            fn guard_regions_are_inaccessible_mappings() {
                let _serial = common::serial();
                let slot = pin!(AllocatorSlot::<B>::new());
                let a = slot.as_ref().init(&cfg(|c| c.guard_pages = true)).unwrap();
                let r = a.allocate(1, Some(2)).unwrap();
                let base = r.base.as_ptr() as usize;
                assert_eq!(mapping_perms(base - 1).as_deref(), Some("---"), "guard before the base");
                assert_eq!(mapping_perms(base + r.size).as_deref(), Some("---"), "reserved, not yet grown into");
                assert_eq!(mapping_perms(base + 2 * PAGE).as_deref(), Some("---"), "guard after the reservation");
                // SAFETY: no reference into the region.
                unsafe { a.deallocate(r.base, r.size).unwrap() };
                assert_eq!(mapping_perms(base), None, "deallocate unmapped the region");
                assert_eq!(mapping_perms(base - 1), None, "deallocate unmapped the guard");
            }

            #[test]
            fn bad_config_refused_and_slot_stays_usable() {
                let _serial = common::serial();
                let slot = pin!(AllocatorSlot::<B>::new());
                assert_eq!(slot.as_ref().init(&cfg(|c| c.max_pages = 0)).unwrap_err(), Error::InvalidArg);
                assert_eq!(slot.as_ref().init(&cfg(|c| c.max_pages = 65537)).unwrap_err(), Error::InvalidArg);
                assert!(slot.as_ref().handle().is_none());
                let a = slot.as_ref().init(&cfg(|_| {})).unwrap();
                assert_eq!(slot.as_ref().init(&cfg(|_| {})).unwrap_err(), Error::State, "initialised twice");
                assert!(slot.as_ref().handle().is_some());
                assert_eq!(a.allocate(0, Some(1)).unwrap().size, 0);
            }

            #[test]
            fn dropping_the_slot_unmaps_and_reset_reinitialises() {
                let _serial = common::serial();
                let base;
                {
                    let mut slot = pin!(AllocatorSlot::<B>::new());
                    let r = slot.as_ref().init(&cfg(|_| {})).unwrap().allocate(2, Some(4)).unwrap();
                    base = r.base.as_ptr() as usize;
                    assert!(mapping_perms(base).is_some());
                    slot.as_mut().reset();
                    assert_eq!(mapping_perms(base), None, "reset unmapped the region");
                    let r = slot.as_ref().init(&cfg(|_| {})).unwrap().allocate(1, None).unwrap();
                    assert!(mapping_perms(r.base.as_ptr() as usize).is_some());
                    // dropped here with a region still allocated
                }
                let slot = pin!(AllocatorSlot::<B>::new());
                let a = slot.as_ref().init(&cfg(|_| {})).unwrap();
                let r = a.allocate(1, None).unwrap();
                // SAFETY: no reference into the region.
                unsafe { a.deallocate(r.base, r.size).unwrap() };
            }

            #[test]
            fn release_accepts_the_initial_size_after_grow() {
                let _serial = common::serial();
                let slot = pin!(AllocatorSlot::<B>::new());
                let a = slot.as_ref().init(&cfg(|_| {})).unwrap();
                let r = a.allocate(1, Some(8)).unwrap();
                let g = a.grow(1, 3).unwrap();
                assert_eq!(g.base, r.base);
                // SAFETY: refused calls change nothing; then the real release.
                unsafe {
                    assert_eq!(a.deallocate(r.base, r.size), Err(Error::State), "strict: last size only");
                    assert_eq!(a.release(r.id, r.base, 2 * PAGE), Err(Error::State), "neither initial nor current");
                    a.release(r.id, r.base, r.size).unwrap();
                }
                assert_eq!(mapping_perms(r.base.as_ptr() as usize + 3 * PAGE), None, "whole region released");
                let again = a.allocate(1, None).unwrap();
                // SAFETY: the current size.
                unsafe { a.release(again.id, again.base, again.size).unwrap() };
            }

            /// Issue 23 item 4: a copy of the handle still holding the
            /// first region's (base, initial size) must not release a later
            /// region at the same base. The old `release(base, size)` had no
            /// way to tell them apart and unmapped the live region.
            #[test]
            fn stale_release_is_state_and_changes_nothing() {
                let _serial = common::serial();
                let slot = pin!(AllocatorSlot::<B>::new());
                let a = slot.as_ref().init(&cfg(|_| {})).unwrap();
                let stale = a.allocate(1, Some(8)).unwrap();
                // SAFETY: no reference into the region.
                unsafe { a.release(stale.id, stale.base, stale.size).unwrap() };
                let live = a.allocate(1, Some(8)).unwrap();
                a.grow(1, 1).unwrap();
                assert_ne!(live.id, stale.id);
                poke(live.base, 0, 7);
                // SAFETY: refused: the stale id names no live allocation.
                unsafe {
                    assert_eq!(a.release(stale.id, live.base, stale.size), Err(Error::State));
                    assert_eq!(a.release(stale.id, live.base, 2 * PAGE), Err(Error::State));
                }
                assert_eq!(a.query().unwrap().accessible, 2 * PAGE, "the live region is untouched");
                assert_eq!(peek(live.base, 0), 7);
                // Ids are unique across slots too: another slot's handle
                // refuses this slot's region, and its own regions differ.
                let other = pin!(AllocatorSlot::<B>::new());
                let b = other.as_ref().init(&cfg(|_| {})).unwrap();
                let rb = b.allocate(1, None).unwrap();
                assert_ne!(rb.id, live.id);
                // SAFETY: refused: not b's allocation.
                unsafe { assert_eq!(b.release(live.id, rb.base, rb.size), Err(Error::State)) };
                assert_eq!(peek(live.base, 0), 7);
                // SAFETY: the live region's own id and initial size.
                unsafe { a.release(live.id, live.base, live.size).unwrap() };
                assert_eq!(a.query(), Err(Error::State));
            }

            #[test]
            fn query_places_addresses_and_follows_grow() {
                let _serial = common::serial();
                let slot = pin!(AllocatorSlot::<B>::new());
                let a = slot.as_ref().init(&cfg(|c| c.guard_pages = true)).unwrap();
                assert_eq!(a.query(), Err(Error::State), "no region");
                let r = a.allocate(1, Some(4)).unwrap();
                let q = a.query().unwrap();
                assert_eq!((q.base, q.accessible), (r.base.as_ptr(), PAGE));
                assert!(q.guard_start < q.base && q.reserved_end as usize >= q.base as usize + 4 * PAGE);
                assert!(q.guard_end > q.reserved_end);
                let inside = r.base.as_ptr().wrapping_add(10);
                let reserved = r.base.as_ptr().wrapping_add(2 * PAGE);
                assert!(q.contains(inside) && !q.in_guard(inside));
                assert!(q.in_guard(reserved) && q.in_guard(q.base.wrapping_sub(1)) && q.in_guard(q.reserved_end));
                assert!(!q.contains(q.guard_end) && !q.contains(q.guard_start.wrapping_sub(1)));
                a.grow(1, 2).unwrap();
                let q2 = a.query().unwrap();
                assert_eq!((q2.base, q2.accessible, q2.guard_end), (q.base, 3 * PAGE, q.guard_end));
                assert!(!q2.in_guard(reserved), "grown into");
                // SAFETY: no reference into the region.
                unsafe { a.deallocate(r.base, 3 * PAGE).unwrap() };
                assert_eq!(a.query(), Err(Error::State));
            }

            #[test]
            fn no_move_refuses_a_moving_grow() {
                let _serial = common::serial();
                let slot = pin!(AllocatorSlot::<B>::new());
                let a = slot.as_ref().init(&cfg(|c| { c.growth = Growth::Exact; c.no_move = true; })).unwrap();
                let r = a.allocate(1, Some(4)).unwrap();
                poke(r.base, 1, 3);
                assert_eq!(a.grow(1, 1), Err(Error::Limit));
                assert_eq!(a.grow(1, 0).unwrap(), r, "unchanged");
                assert_eq!(peek(r.base, 1), 3);
                // SAFETY: no reference into the region.
                unsafe { a.deallocate(r.base, r.size).unwrap() };
                let slot = pin!(AllocatorSlot::<B>::new());
                let a = slot.as_ref().init(&cfg(|c| { c.reserve_pages = 2; c.no_move = true; })).unwrap();
                let r = a.allocate(1, Some(8)).unwrap();
                assert_eq!(a.grow(1, 1).unwrap().base, r.base, "inside the reservation");
                assert_eq!(a.grow(2, 1), Err(Error::Limit), "past the reservation would move");
                // SAFETY: no reference into the region.
                unsafe { a.deallocate(r.base, 2 * PAGE).unwrap() };
            }

            #[test]
            fn provider_follows_a_grow() {
                let _serial = common::serial();
                use wrt_platform_c::{ChecksumProvider, FutexMutex, FutexSlot};
                let slot = pin!(AllocatorSlot::<B>::new());
                let a = slot.as_ref().init(&cfg(|_| {})).unwrap();
                let r = a.allocate(1, Some(2)).unwrap();
                let fslot = pin!(FutexSlot::<wrt_platform_c::Linux>::new());
                let m = FutexMutex::new(fslot.as_ref(), &Default::default()).unwrap();
                let mut sums = [0u32; 32]; // 2 pages of 4 KiB blocks
                // SAFETY: the region stays mapped while the provider lives.
                let mut p = unsafe { ChecksumProvider::new(r.base, r.size, &mut sums, 4096, &m) }.unwrap();
                p.write(PAGE - 3, b"abc").unwrap();
                let g = a.grow(1, 1).unwrap();
                // SAFETY: grown in place: old bytes then zeros.
                unsafe { p.resize(g.base, g.size).unwrap() };
                p.write(PAGE, b"def").unwrap();
                p.verify().unwrap();
                let mut out = [0u8; 6];
                p.read(PAGE - 3, &mut out).unwrap();
                assert_eq!(&out, b"abcdef");
                poke(g.base, PAGE + 4096, 1);
                assert_eq!(p.verify(), Err(Error::Corrupt));
                assert_eq!(p.first_bad_block(), Some(17));
            }

            #[test]
            fn static_slot() {
                let _serial = common::serial();
                static SLOT: AllocatorSlot<B> = AllocatorSlot::new();
                let a = Pin::static_ref(&SLOT).init(&cfg(|_| {})).unwrap();
                let copy = a; // handles are Copy
                let r = copy.allocate(1, None).unwrap();
                // SAFETY: no reference into the region.
                unsafe { a.deallocate(r.base, r.size).unwrap() };
            }
        }
    };
}

#[cfg(target_os = "linux")]
memory_tests!(linux, wrt_platform_c::Linux, wrt_platform_c::LinuxAllocatorConfig::default());

#[cfg(any(target_os = "nto", feature = "qnx-model"))]
memory_tests!(qnx, wrt_platform_c::Qnx, wrt_platform_c::QnxAllocatorConfig::default());
