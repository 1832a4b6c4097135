//! A mutex over a futex (`wrt/mutex.h`): Drepper's three-state futex mutex,
//! guarding data of type `T` (`()` for a bare lock around a critical
//! section, as [`ChecksumProvider`](crate::ChecksumProvider) uses it). No
//! owner, not recursive, no priority inheritance on QNX (see the C header).
//!
//! The mutex owns its futex for its whole life: it is made from a futex
//! *slot*, which it initialises itself and claims, so that no
//! [`FutexHandle`](crate::FutexHandle) to that futex exists or can be made
//! while the mutex lives. A handle could otherwise `set(0)` the word under
//! a held lock, or build a second mutex over the same word, and two threads
//! would both hold it (issue 23 item 2). A handle is not accepted:
//!
//! ```compile_fail,E0308
//! use core::pin::pin;
//! use wrt_platform_c::{FutexMutex, LinuxFutexConfig, LinuxFutexSlot};
//! let slot = pin!(LinuxFutexSlot::new());
//! let futex = slot.as_ref().init(&LinuxFutexConfig::default()).unwrap();
//! let m = FutexMutex::new(futex, &LinuxFutexConfig::default()); // a handle, not a slot
//! ```
//!
//! The guarded data is reached only through a guard:
//!
//! ```
//! use core::pin::pin;
//! use wrt_platform_c::{FutexMutex, LinuxFutexConfig, LinuxFutexSlot};
//! let slot = pin!(LinuxFutexSlot::new());
//! let m = FutexMutex::with_data(slot.as_ref(), &LinuxFutexConfig::default(), 0u64)?;
//! std::thread::scope(|s| {
//!     for _ in 0..2 {
//!         s.spawn(|| *m.lock().unwrap() += 1);
//!     }
//! });
//! assert_eq!(*m.lock()?, 2);
//! assert!(slot.as_ref().handle().is_none(), "no handle while the mutex owns the futex");
//! # Ok::<(), wrt_platform_c::Error>(())
//! ```
//!
//! A `FutexMutex<Cell<_>>` shares the cell only through a guard; a guard
//! cannot be shared between threads unless `T: Sync`:
//!
//! ```compile_fail,E0277
//! use core::cell::Cell;
//! use core::pin::pin;
//! use wrt_platform_c::{FutexMutex, LinuxFutexConfig, LinuxFutexSlot};
//! let slot = pin!(LinuxFutexSlot::new());
//! let m = FutexMutex::with_data(slot.as_ref(), &LinuxFutexConfig::default(), Cell::new(0)).unwrap();
//! let g = m.lock().unwrap();
//! std::thread::scope(|s| {
//!     s.spawn(|| g.set(1)); // &FutexMutexGuard<Cell<_>> is not Send
//! });
//! ```

use core::cell::UnsafeCell;
use core::fmt;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use core::pin::Pin;
use core::time::Duration;

use wrt_platform_sys as sys;

use crate::cobject::CObject;
use crate::error::{check, timeout_ns, Result};
use crate::sync::{FutexBackend, FutexSlot, SlotClaim};

/// A `wrt_mutex_t` over a futex slot it owns for `'a`, guarding a `T`.
pub struct FutexMutex<'a, T = ()> {
    raw: CObject<sys::wrt_mutex_t>,
    claim: SlotClaim<'a>,
    data: UnsafeCell<T>,
}

// SAFETY: `raw` is a wrt_mutex_t, which wrt/mutex.h makes for lock, trylock
// and unlock from any number of threads at once (all state is the futex's
// _Atomic word; the mutex has no owner thread, so a lock taken on one thread
// may be released on another). Its futex pointer targets the claimed slot,
// which outlives 'a and which no other Rust object touches while claimed
// (see SlotClaim). `data` is only reached through a guard, which exists
// only while the C mutex is held, so at most one thread reaches it at a
// time: that needs `T: Send` (the value is used from several threads, one
// after another), as for `std::sync::Mutex`.
unsafe impl<T: Send> Sync for FutexMutex<'_, T> {}
// Send when T is: by the compiler's rules (CObject is Send: src/cobject.rs).

impl<T> fmt::Debug for FutexMutex<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FutexMutex").finish_non_exhaustive()
    }
}

impl<'a> FutexMutex<'a, ()> {
    /// A bare lock: [`with_data`](Self::with_data) with `()`.
    pub fn new<B: FutexBackend>(slot: Pin<&'a FutexSlot<B>>, cfg: &B::Config) -> Result<Self> {
        Self::with_data(slot, cfg, ())
    }
}

impl<'a, T> FutexMutex<'a, T> {
    /// Initialises the empty futex `slot` with `cfg`, claims it for this
    /// mutex and sets its word to 0 (unlocked). `State` if the slot is
    /// already initialised (a handle to it may exist: reset it first) or
    /// claimed by another mutex; the C library's errors for a bad config.
    /// Dropping the mutex gives the slot back, initialised.
    pub fn with_data<B: FutexBackend>(slot: Pin<&'a FutexSlot<B>>, cfg: &B::Config, data: T) -> Result<Self> {
        let (futex, claim) = slot.claim(cfg)?;
        let m = Self {
            raw: CObject::new(sys::wrt_mutex_t { futex: core::ptr::null_mut(), spin: 0 }),
            claim,
            data: UnsafeCell::new(data),
        };
        // SAFETY: m.raw is valid; the futex is initialised, pinned and ours
        // for 'a.
        check(unsafe { sys::wrt_mutex_init(m.raw.get(), futex) })?;
        Ok(m)
    }

    /// Blocks until held.
    pub fn lock(&self) -> Result<FutexMutexGuard<'_, 'a, T>> {
        // SAFETY: initialised by with_data.
        check(unsafe { sys::wrt_mutex_lock(self.raw.get()) })?;
        Ok(FutexMutexGuard { m: self, _data: PhantomData })
    }

    /// Takes the mutex if free now; `Error::Again` if held, or if free but
    /// the waiters that asked for it have been passed the most times in a
    /// row that `wrt/mutex.h` allows (`WRT_MUTEX_BYPASS_MAX`, its bound).
    pub fn try_lock(&self) -> Result<FutexMutexGuard<'_, 'a, T>> {
        // SAFETY: initialised by with_data.
        check(unsafe { sys::wrt_mutex_trylock(self.raw.get()) })?;
        Ok(FutexMutexGuard { m: self, _data: PhantomData })
    }

    /// As `lock`, giving up with `Error::Timeout` after `timeout` in total
    /// (`Duration::ZERO`: a try that reports `Timeout`).
    pub fn lock_timeout(&self, timeout: Duration) -> Result<FutexMutexGuard<'_, 'a, T>> {
        // SAFETY: initialised by with_data.
        check(unsafe { sys::wrt_mutex_lock_timeout(self.raw.get(), timeout_ns(Some(timeout))) })?;
        Ok(FutexMutexGuard { m: self, _data: PhantomData })
    }

    /// The data, without locking: `&mut self` proves no guard exists.
    pub fn get_mut(&mut self) -> &mut T {
        self.data.get_mut()
    }

    /// The C object, for C code that takes a `wrt_mutex_t *` (the provider).
    pub(crate) fn as_raw(&self) -> *mut sys::wrt_mutex_t {
        self.raw.get()
    }
}

impl<T> Drop for FutexMutex<'_, T> {
    fn drop(&mut self) {
        self.claim.release();
    }
}

/// Holds a [`FutexMutex`]; unlocks when dropped. Dereferences to the data.
pub struct FutexMutexGuard<'m, 'a, T = ()> {
    m: &'m FutexMutex<'a, T>,
    /// A guard is a `&mut T`: Send only if T is, Sync only if T is.
    _data: PhantomData<&'m mut T>,
}

impl<T> fmt::Debug for FutexMutexGuard<'_, '_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FutexMutexGuard")
    }
}

impl<T> Deref for FutexMutexGuard<'_, '_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the C mutex, so no other guard (and so no
        // other reference to the data) exists; the borrow ends with &self.
        unsafe { &*self.m.data.get() }
    }
}

impl<T> DerefMut for FutexMutexGuard<'_, '_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as deref; &mut self makes this the only reference.
        unsafe { &mut *self.m.data.get() }
    }
}

impl<T> FutexMutexGuard<'_, '_, T> {
    /// Unlocks and reports the status: the mutex is released even on error
    /// (a failed wake of a sleeping waiter; see `wrt_mutex_unlock`).
    pub fn unlock(self) -> Result<()> {
        let m = self.m;
        core::mem::forget(self);
        // SAFETY: held by this guard, which is gone.
        check(unsafe { sys::wrt_mutex_unlock(m.raw.get()) })
    }
}

impl<T> Drop for FutexMutexGuard<'_, '_, T> {
    fn drop(&mut self) {
        // SAFETY: held by this guard. A failed wake is reported only by
        // `unlock`; the mutex is released either way.
        let _ = unsafe { sys::wrt_mutex_unlock(self.m.raw.get()) };
    }
}
