//! The futex, the mutex and the provider through the safe API, on every
//! backend built in: the C selftest's SYNC, MTX and PRV checks that Rust can
//! reach (not the signal one), plus what WRT relies on.

mod common;

use core::pin::{pin, Pin};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::poke;
use wrt_platform_c::provider::blocks_for;
use wrt_platform_c::{ChecksumProvider, Error, FutexBackend, FutexHandle, FutexMutex, FutexSlot};

const MS: Duration = Duration::from_millis(1);

/// Waits until `n` waiters have announced themselves, then gives them time
/// to block (as the C selftest's settle()).
fn settle(started: &AtomicU32, n: u32) {
    while started.load(Ordering::SeqCst) < n {
        thread::sleep(MS / 10);
    }
    thread::sleep(50 * MS);
}

/// Polls until at least `want` finished, or 2 s passed.
fn await_finished(finished: &AtomicU32, want: u32) -> u32 {
    let end = Instant::now() + Duration::from_secs(2);
    while finished.load(Ordering::SeqCst) < want && Instant::now() < end {
        thread::sleep(MS / 2);
    }
    finished.load(Ordering::SeqCst)
}

/// Waits until the word leaves 0; counts a return that found it changed.
fn waiter<B: FutexBackend>(f: FutexHandle<'_, B>, started: &AtomicU32, finished: &AtomicU32, timeout: Option<Duration>) {
    started.fetch_add(1, Ordering::SeqCst);
    match f.wait(0, timeout) {
        // Woken: count it (a spurious return with the word still 0 would be
        // counted too; the backends here have none).
        Ok(()) | Err(Error::Again) => {}
        Err(e) => panic!("wait: {e}"),
    }
    finished.fetch_add(1, Ordering::SeqCst);
}

macro_rules! sync_tests {
    ($name:ident, $backend:ty, $cfg:expr) => {
        mod $name {
            use super::*;
            type B = $backend;

            fn futex_slot() -> FutexSlot<B> {
                FutexSlot::new()
            }
            fn cfg() -> <B as FutexBackend>::Config {
                $cfg
            }

            #[test]
            fn load_set_compare_exchange() {
                let slot = pin!(futex_slot());
                let f = slot.as_ref().init(&cfg()).unwrap();
                assert_eq!(f.load(), 0);
                f.set(7);
                assert_eq!(f.compare_exchange(6, 1), Err(7));
                assert_eq!(f.load(), 7, "a failed exchange leaves the word");
                assert_eq!(f.compare_exchange(7, 8), Ok(7));
                assert_eq!(f.load(), 8);
                // The same word as the C library's exported accessors see it.
                // SAFETY: an initialised futex.
                unsafe {
                    assert_eq!(wrt_platform_c::sys::wrt_futex_load(f.as_raw()), 8);
                    wrt_platform_c::sys::wrt_futex_set(f.as_raw(), 9);
                    assert!(!wrt_platform_c::sys::wrt_futex_compare_exchange(f.as_raw(), 8, 1));
                }
                assert_eq!(f.load(), 9);
            }

            #[test]
            fn wait_on_a_different_word_is_again_at_once() {
                let slot = pin!(futex_slot());
                let f = slot.as_ref().init(&cfg()).unwrap();
                f.set(1);
                let t = Instant::now();
                assert_eq!(f.wait(0, None), Err(Error::Again));
                assert_eq!(f.wait(0, Some(Duration::from_secs(5))), Err(Error::Again));
                assert!(t.elapsed() < Duration::from_secs(2));
            }

            #[test]
            fn timed_wait_times_out_after_at_least_the_timeout() {
                let slot = pin!(futex_slot());
                let f = slot.as_ref().init(&cfg()).unwrap();
                for ms in [0u64, 1, 30] {
                    let t = Instant::now();
                    assert_eq!(f.wait(0, Some(Duration::from_millis(ms))), Err(Error::Timeout));
                    assert!(t.elapsed() >= Duration::from_millis(ms));
                }
            }

            #[test]
            fn wake_without_waiters_and_count_zero() {
                let slot = pin!(futex_slot());
                let f = slot.as_ref().init(&cfg()).unwrap();
                assert_eq!(f.wake_one(), Ok(()));
                assert_eq!(f.wake_all(), Ok(()));
                assert_eq!(f.wake(0), Err(Error::InvalidArg));
            }

            #[test]
            fn wake_n_wakes_at_most_and_at_least_n() {
                let slot = pin!(futex_slot());
                let f = slot.as_ref().init(&cfg()).unwrap();
                let (started, finished) = (AtomicU32::new(0), AtomicU32::new(0));
                thread::scope(|s| {
                    for _ in 0..4 {
                        s.spawn(|| waiter(f, &started, &finished, None));
                    }
                    settle(&started, 4);
                    assert_eq!(finished.load(Ordering::SeqCst), 0);
                    f.wake(1).unwrap();
                    assert_eq!(await_finished(&finished, 1), 1);
                    thread::sleep(30 * MS);
                    assert_eq!(finished.load(Ordering::SeqCst), 1, "wake(1) woke more than one");
                    f.wake(2).unwrap();
                    assert_eq!(await_finished(&finished, 3), 3);
                    thread::sleep(30 * MS);
                    assert_eq!(finished.load(Ordering::SeqCst), 3, "wake(2) woke more than two");
                    f.wake(5).unwrap();
                    assert_eq!(await_finished(&finished, 4), 4);
                });
            }

            #[test]
            fn wake_all_wakes_every_waiter() {
                let slot = pin!(futex_slot());
                let f = slot.as_ref().init(&cfg()).unwrap();
                let (started, finished) = (AtomicU32::new(0), AtomicU32::new(0));
                thread::scope(|s| {
                    for i in 0..6 {
                        let timeout = (i % 2 == 1).then_some(Duration::from_secs(10));
                        let (st, fi) = (&started, &finished);
                        s.spawn(move || waiter(f, st, fi, timeout));
                    }
                    settle(&started, 6);
                    f.wake_all().unwrap();
                    assert_eq!(await_finished(&finished, 6), 6);
                });
            }

            #[test]
            fn no_lost_wake_up_ping_pong() {
                // Two threads hand a token back and forth 2000 times; a lost
                // wake-up would hang (the test harness would time out).
                let slot = pin!(futex_slot());
                let f = slot.as_ref().init(&cfg()).unwrap();
                const ROUNDS: u32 = 2000;
                thread::scope(|s| {
                    s.spawn(|| {
                        for i in 0..ROUNDS {
                            while f.load() != 2 * i + 1 {
                                let _ = f.wait(2 * i, None);
                            }
                            f.set(2 * i + 2);
                            f.wake_one().unwrap();
                        }
                    });
                    for i in 0..ROUNDS {
                        f.set(2 * i + 1);
                        f.wake_one().unwrap();
                        while f.load() != 2 * i + 2 {
                            let _ = f.wait(2 * i + 1, None);
                        }
                    }
                });
                assert_eq!(f.load(), 2 * ROUNDS);
            }

            #[test]
            fn timed_waiter_woken_early_returns_ok() {
                let slot = pin!(futex_slot());
                let f = slot.as_ref().init(&cfg()).unwrap();
                thread::scope(|s| {
                    let h = s.spawn(|| {
                        let t = Instant::now();
                        (f.wait(0, Some(Duration::from_secs(5))), t.elapsed())
                    });
                    thread::sleep(50 * MS);
                    f.wake_one().unwrap();
                    let (r, took) = h.join().unwrap();
                    assert_eq!(r, Ok(()));
                    assert!(took < Duration::from_secs(4));
                });
            }

            #[test]
            fn static_futex_and_second_init() {
                static SLOT: FutexSlot<B> = FutexSlot::new();
                let f = Pin::static_ref(&SLOT).init(&cfg()).unwrap();
                assert_eq!(Pin::static_ref(&SLOT).init(&cfg()).unwrap_err(), Error::State);
                assert_eq!(f.wake_all(), Ok(()));
            }

            #[test]
            fn mutex_excludes_four_threads() {
                let slot = pin!(futex_slot());
                let m = FutexMutex::new(slot.as_ref(), &cfg()).unwrap();
                let counter = AtomicU32::new(0);
                let inside = AtomicU32::new(0);
                thread::scope(|s| {
                    for _ in 0..4 {
                        s.spawn(|| {
                            for _ in 0..2000 {
                                let g = m.lock().unwrap();
                                assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
                                // A non-atomic read-modify-write under the lock.
                                let v = counter.load(Ordering::Relaxed);
                                counter.store(v + 1, Ordering::Relaxed);
                                inside.fetch_sub(1, Ordering::SeqCst);
                                g.unlock().unwrap();
                            }
                        });
                    }
                });
                assert_eq!(counter.load(Ordering::SeqCst), 8000);
            }

            /// Issue 23 item 2: the mutex owns its futex. Before, a copy of
            /// the handle could build a second mutex over the same word (or
            /// `set(0)` it) and two threads both held the lock.
            #[test]
            fn mutex_owns_its_futex_slot() {
                let slot = pin!(futex_slot());
                let m = FutexMutex::new(slot.as_ref(), &cfg()).unwrap();
                assert!(slot.as_ref().handle().is_none(), "no handle to a mutex's futex");
                assert_eq!(slot.as_ref().init(&cfg()).unwrap_err(), Error::State);
                assert_eq!(FutexMutex::new(slot.as_ref(), &cfg()).unwrap_err(), Error::State, "second mutex");
                let g = m.lock().unwrap();
                assert_eq!(m.try_lock().unwrap_err(), Error::Again, "still held");
                drop(g);
                drop(m);
                let h = slot.as_ref().handle().expect("given back, initialised, when the mutex is dropped");
                h.wake_all().unwrap();
                // A slot with a handle (which may have been copied) is not
                // taken by a mutex.
                let other = pin!(futex_slot());
                let _h = other.as_ref().init(&cfg()).unwrap();
                assert_eq!(FutexMutex::new(other.as_ref(), &cfg()).unwrap_err(), Error::State);
            }

            #[test]
            fn mutex_guards_its_data() {
                let slot = pin!(futex_slot());
                let mut m = FutexMutex::with_data(slot.as_ref(), &cfg(), Vec::<u32>::new()).unwrap();
                thread::scope(|s| {
                    for t in 0..4 {
                        let m = &m;
                        s.spawn(move || {
                            for i in 0..500 {
                                m.lock().unwrap().push(t * 1000 + i);
                            }
                        });
                    }
                });
                assert_eq!(m.get_mut().len(), 2000);
            }

            #[test]
            fn mutex_try_and_timed_lock() {
                let slot = pin!(futex_slot());
                let m = FutexMutex::new(slot.as_ref(), &cfg()).unwrap();
                let g = m.try_lock().unwrap();
                assert_eq!(m.try_lock().unwrap_err(), Error::Again);
                let t = Instant::now();
                assert_eq!(m.lock_timeout(30 * MS).unwrap_err(), Error::Timeout);
                assert!(t.elapsed() >= 30 * MS);
                assert_eq!(m.lock_timeout(Duration::ZERO).unwrap_err(), Error::Timeout);
                thread::scope(|s| {
                    let h = s.spawn(|| m.lock().map(drop));
                    thread::sleep(50 * MS);
                    drop(g); // unlock hands over to the blocked thread
                    assert_eq!(h.join().unwrap(), Ok(()));
                });
                m.try_lock().unwrap().unlock().unwrap();
            }

            #[test]
            fn provider_write_read_verify_and_corruption() {
                let slot = pin!(futex_slot());
                let m = FutexMutex::new(slot.as_ref(), &cfg()).unwrap();
                let mut mem = vec![0u8; 4 * 4096];
                let base = NonNull::new(mem.as_mut_ptr()).unwrap();
                let mut sums = [0u32; 8];
                assert_eq!(blocks_for(mem.len(), 4096), 4);
                // SAFETY: mem outlives the provider; no reference is used
                // while it lives (the test writes through raw pointers).
                let p = unsafe { ChecksumProvider::new(base, 4 * 4096, &mut sums, 4096, &m) }.unwrap();
                p.write(4000, b"hello, wrt").unwrap();
                let mut out = [0u8; 10];
                p.read(4000, &mut out).unwrap();
                assert_eq!(&out, b"hello, wrt");
                p.verify().unwrap();
                assert_eq!(p.first_bad_block(), None);
                assert_eq!(p.write(4 * 4096 - 1, b"xy"), Err(Error::InvalidArg), "past the end");

                poke(base, 2 * 4096 + 17, 0xFF); // behind the provider's back
                assert_eq!(p.verify(), Err(Error::Corrupt));
                assert_eq!(p.first_bad_block(), Some(2));
                p.set_verify_reads(true).unwrap();
                let mut dst = [0x55u8; 4];
                assert_eq!(p.read(2 * 4096, &mut dst), Err(Error::Corrupt));
                assert_eq!(dst, [0x55; 4], "dst untouched on CORRUPT");
                p.set_verify_writes(true).unwrap();
                assert_eq!(p.write(2 * 4096, b"zz"), Err(Error::Corrupt), "write into a damaged block refused");
                p.read(0, &mut dst).unwrap();
            }
        }
    };
}

#[cfg(target_os = "linux")]
sync_tests!(linux, wrt_platform_c::Linux, wrt_platform_c::LinuxFutexConfig::default());

#[cfg(any(target_os = "nto", feature = "qnx-model"))]
sync_tests!(qnx, wrt_platform_c::Qnx, wrt_platform_c::QnxFutexConfig::default());

#[cfg(any(target_os = "nto", feature = "qnx-model"))]
#[test]
fn qnx_fifo_futex_config_and_partition() {
    use wrt_platform_c::{Partition, QnxAllocatorConfigBuilder, QnxAllocatorSlot, QnxFutexConfigBuilder, QnxWakeOrder};
    let slot = pin!(FutexSlot::<wrt_platform_c::Qnx>::new());
    let f = slot
        .as_ref()
        .init(&QnxFutexConfigBuilder::new().with_wake_order(QnxWakeOrder::Fifo).with_initial_value(3).build())
        .unwrap();
    assert_eq!(f.load(), 3);

    static BUDGET: Partition = Partition::new(3 * 65536);
    let a_slot = pin!(QnxAllocatorSlot::new());
    let a = a_slot.as_ref().init(&QnxAllocatorConfigBuilder::new().with_partition(&BUDGET).build()).unwrap();
    let r = a.allocate(2, Some(8)).unwrap();
    assert_eq!(BUDGET.used(), 2 * 65536);
    assert_eq!(a.grow(2, 2), Err(Error::Limit), "charge past the budget");
    assert_eq!(BUDGET.used(), 2 * 65536, "nothing charged by the refused grow");
    poke(r.base, 5, 1);
    // SAFETY: no reference into the region exists (raw-pointer reads only).
    unsafe { a.discard(0, 65536).unwrap() };
    assert_eq!(common::peek(r.base, 5), 0, "discarded range reads zero");
    // SAFETY: no reference into the region.
    unsafe { a.deallocate(r.base, r.size).unwrap() };
    assert_eq!(BUDGET.used(), 0, "refunded");
}

#[cfg(target_os = "linux")]
/// Issue 23 items 5 and 6: the error is a `core::error::Error`, and the
/// region types can cross threads (both failed to compile before).
#[test]
fn error_is_an_error_and_regions_are_send_sync() {
    fn is_error<E: core::error::Error + Send + Sync + 'static>(_: &E) {}
    fn send_sync<T: Send + Sync>() {}
    is_error(&Error::State);
    let boxed: Box<dyn core::error::Error> = Box::new(Error::Limit);
    assert_eq!(boxed.to_string(), Error::Limit.to_string());
    send_sync::<wrt_platform_c::Region>();
    send_sync::<wrt_platform_c::RegionInfo>();
    send_sync::<wrt_platform_c::AllocatorSlot<wrt_platform_c::Linux>>();
    send_sync::<FutexSlot<wrt_platform_c::Linux>>();
    send_sync::<FutexMutex<'static, u32>>();
}
