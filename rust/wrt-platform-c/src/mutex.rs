//! A mutex over any futex (`wrt/mutex.h`): Drepper's three-state futex
//! mutex. It guards no data of its own (so that nothing unsafe follows if
//! the futex word is misused elsewhere): hold the guard around the
//! critical section. No owner, not recursive, no priority inheritance on
//! QNX (see the C header).

use core::cell::UnsafeCell;
use core::fmt;
use core::marker::PhantomData;
use core::time::Duration;

use wrt_platform_sys as sys;

use crate::error::{check, timeout_ns, Result};
use crate::sync::{Futex, FutexBackend};

/// A `wrt_mutex_t` bound to a futex for `'a`. The futex must serve this
/// mutex only while it lives.
pub struct Mutex<'a> {
    raw: UnsafeCell<sys::wrt_mutex_t>,
    _futex: PhantomData<&'a ()>,
}

// SAFETY: the C mutex is made for concurrent lock/unlock from any thread;
// the futex it points to outlives 'a and is itself thread-safe.
unsafe impl Sync for Mutex<'_> {}
// SAFETY: a wrt_mutex_t is a pointer to the futex; moving it is fine.
unsafe impl Send for Mutex<'_> {}

impl fmt::Debug for Mutex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mutex").finish_non_exhaustive()
    }
}

impl<'a> Mutex<'a> {
    /// Binds a mutex to `futex` and sets its word to 0 (unlocked).
    pub fn new<B: FutexBackend>(futex: Futex<'a, B>) -> Result<Self> {
        let m = Self { raw: UnsafeCell::new(sys::wrt_mutex_t { futex: core::ptr::null_mut(), spin: 0 }), _futex: PhantomData };
        // SAFETY: m.raw is valid; the futex is initialised and outlives 'a.
        check(unsafe { sys::wrt_mutex_init(m.raw.get(), futex.as_raw()) })?;
        Ok(m)
    }

    /// Blocks until held.
    pub fn lock(&self) -> Result<MutexGuard<'_, 'a>> {
        // SAFETY: initialised by new.
        check(unsafe { sys::wrt_mutex_lock(self.raw.get()) })?;
        Ok(MutexGuard { m: self })
    }

    /// Takes the mutex if free now; `Error::Again` if held, or if free but
    /// the waiters that asked for it have been passed the most times in a
    /// row that `wrt/mutex.h` allows (`WRT_MUTEX_BYPASS_MAX`, its bound).
    pub fn try_lock(&self) -> Result<MutexGuard<'_, 'a>> {
        // SAFETY: initialised by new.
        check(unsafe { sys::wrt_mutex_trylock(self.raw.get()) })?;
        Ok(MutexGuard { m: self })
    }

    /// As `lock`, giving up with `Error::Timeout` after `timeout` in total
    /// (`Duration::ZERO`: a try that reports `Timeout`).
    pub fn lock_timeout(&self, timeout: Duration) -> Result<MutexGuard<'_, 'a>> {
        // SAFETY: initialised by new.
        check(unsafe { sys::wrt_mutex_lock_timeout(self.raw.get(), timeout_ns(Some(timeout))) })?;
        Ok(MutexGuard { m: self })
    }

    /// The C object, for C code that takes a `wrt_mutex_t *` (the provider).
    pub(crate) fn as_raw(&self) -> *mut sys::wrt_mutex_t {
        self.raw.get()
    }
}

/// Holds a [`Mutex`]; unlocks when dropped.
pub struct MutexGuard<'m, 'a> {
    m: &'m Mutex<'a>,
}

impl fmt::Debug for MutexGuard<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MutexGuard")
    }
}

impl MutexGuard<'_, '_> {
    /// Unlocks and reports the status: the mutex is released even on error
    /// (a failed wake of a sleeping waiter; see `wrt_mutex_unlock`).
    pub fn unlock(self) -> Result<()> {
        let m = self.m;
        core::mem::forget(self);
        // SAFETY: held by this guard.
        check(unsafe { sys::wrt_mutex_unlock(m.raw.get()) })
    }
}

impl Drop for MutexGuard<'_, '_> {
    fn drop(&mut self) {
        // SAFETY: held by this guard. A failed wake is reported only by
        // `unlock`; the mutex is released either way.
        let _ = unsafe { sys::wrt_mutex_unlock(self.m.raw.get()) };
    }
}
