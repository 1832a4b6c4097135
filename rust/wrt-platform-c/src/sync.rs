//! The futex: a 32-bit atomic word with wait and wake.
//!
//! As with the allocator, the C object lives in a [`FutexSlot`] (a `static`
//! or pinned on the stack; the QNX futex holds a `pthread_mutex_t`, which
//! must never move) and [`FutexHandle`] is a `Copy` handle. The C futex is made
//! for concurrent use: any number of threads may wait and wake through
//! handles to the same slot.

use core::fmt;
use core::marker::{PhantomData, PhantomPinned};
use core::pin::Pin;
use core::sync::atomic::{AtomicU32, AtomicU8, Ordering};
use core::time::Duration;

use wrt_platform_sys as sys;

use crate::cobject::{CObject, CType};
use crate::error::{check, timeout_ns, Error, Result};
use crate::memory::Sealed;

/// A futex backend of the C library (sealed: [`crate::Linux`], [`crate::Qnx`]).
pub trait FutexBackend: Sealed + 'static {
    /// The C object.
    #[doc(hidden)]
    type Raw: CType;
    /// The Rust configuration.
    type Config: fmt::Debug;
    #[doc(hidden)]
    const NAME: &'static str;
    #[doc(hidden)]
    const ZEROED: Self::Raw;
    /// # Safety
    /// `raw` is valid, pinned storage.
    #[doc(hidden)]
    unsafe fn init(raw: *mut Self::Raw, cfg: &Self::Config) -> sys::wrt_status;
    /// # Safety
    /// `raw` is valid storage no thread waits on.
    #[doc(hidden)]
    unsafe fn destroy(raw: *mut Self::Raw);
    /// # Safety
    /// `raw` is valid storage.
    #[doc(hidden)]
    unsafe fn base(raw: *mut Self::Raw) -> *mut sys::wrt_futex_t;
}

const EMPTY: u8 = 0;
const INIT: u8 = 1;
const READY: u8 = 2;
/// Initialised and owned by a [`FutexMutex`](crate::FutexMutex): no handle.
const OWNED: u8 = 3;

/// A slot claimed by a mutex for `'a` (state OWNED); `release` makes it an
/// ordinary initialised slot again.
pub(crate) struct SlotClaim<'a> {
    state: &'a AtomicU8,
}

impl SlotClaim<'_> {
    pub(crate) fn release(&self) {
        self.state.store(READY, Ordering::Release);
    }
}

/// Storage for one C futex.
pub struct FutexSlot<B: FutexBackend> {
    raw: CObject<B::Raw>,
    state: AtomicU8,
    _pin: PhantomPinned,
    _b: PhantomData<B>,
}

// SAFETY: `raw` is written only by init (under the INIT state, which one
// thread wins by compare-exchange; the Release store of READY/OWNED orders
// it before any reader's Acquire) and by destroy (`&mut self`). After init,
// every use goes through the C futex API, and wrt/sync.h ("Thread safety")
// says load, set, compare_exchange, wait and wake may run on any number of
// threads at once; only init and destroy must not, and those are excluded
// as just said. The QNX futex's wait-list lock (wrt/qnx_sync.h: a pthread
// mutex inside the object) is taken and released within each call, and a
// waiter's parker is per thread, not in the slot: nothing in the slot
// belongs to one thread between calls.
unsafe impl<B: FutexBackend> Sync for FutexSlot<B> {}
// Send: by the compiler's rules (CObject is Send; see src/cobject.rs).

impl<B: FutexBackend> Default for FutexSlot<B> {
    fn default() -> Self {
        Self::new()
    }
}

impl<B: FutexBackend> FutexSlot<B> {
    /// Empty storage (usable in a `static`).
    #[must_use]
    pub const fn new() -> Self {
        Self { raw: CObject::new(B::ZEROED), state: AtomicU8::new(EMPTY), _pin: PhantomPinned, _b: PhantomData }
    }

    /// Initialises the C futex and returns its handle. `State` if already
    /// initialised; the C library's errors for a bad config.
    pub fn init(self: Pin<&Self>, cfg: &B::Config) -> Result<FutexHandle<'_, B>> {
        let this = self.get_ref();
        if this.state.compare_exchange(EMPTY, INIT, Ordering::Acquire, Ordering::Relaxed).is_err() {
            return Err(Error::State);
        }
        // SAFETY: INIT is ours; the storage is pinned.
        let r = check(unsafe { B::init(this.raw.get(), cfg) });
        this.state.store(if r.is_ok() { READY } else { EMPTY }, Ordering::Release);
        r.map(|()| FutexHandle { slot: this })
    }

    /// Initialises the futex for a mutex and claims it (state OWNED: no
    /// handle can be made). `State` unless the slot is empty.
    pub(crate) fn claim(self: Pin<&Self>, cfg: &B::Config) -> Result<(*mut sys::wrt_futex_t, SlotClaim<'_>)> {
        let this = self.get_ref();
        if this.state.compare_exchange(EMPTY, INIT, Ordering::Acquire, Ordering::Relaxed).is_err() {
            return Err(Error::State);
        }
        // SAFETY: INIT is ours; the storage is pinned.
        let r = check(unsafe { B::init(this.raw.get(), cfg) });
        this.state.store(if r.is_ok() { OWNED } else { EMPTY }, Ordering::Release);
        r?;
        // SAFETY: initialised and pinned.
        let futex = unsafe { B::base(this.raw.get()) };
        Ok((futex, SlotClaim { state: &this.state }))
    }

    /// The handle, if the slot is initialised and not owned by a mutex.
    #[must_use]
    pub fn handle(self: Pin<&Self>) -> Option<FutexHandle<'_, B>> {
        let this = self.get_ref();
        (this.state.load(Ordering::Acquire) == READY).then_some(FutexHandle { slot: this })
    }

    /// Destroys the C futex and empties the slot (`&mut`: no handle, so no
    /// waiter, exists).
    pub fn reset(self: Pin<&mut Self>) {
        // SAFETY: nothing is moved out.
        let this = unsafe { self.get_unchecked_mut() };
        this.destroy_in_place();
    }

    fn destroy_in_place(&mut self) {
        if *self.state.get_mut() != EMPTY {
            // SAFETY: &mut: no waiter; the storage never moved since init.
            unsafe { B::destroy(self.raw.get()) };
            *self.state.get_mut() = EMPTY;
        }
    }
}

impl<B: FutexBackend> Drop for FutexSlot<B> {
    fn drop(&mut self) {
        self.destroy_in_place();
    }
}

impl<B: FutexBackend> fmt::Debug for FutexSlot<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FutexSlot").field("backend", &B::NAME).finish_non_exhaustive()
    }
}

/// A handle to an initialised futex. `Copy`, `Send`, `Sync`.
pub struct FutexHandle<'a, B: FutexBackend> {
    slot: &'a FutexSlot<B>,
}

impl<B: FutexBackend> Clone for FutexHandle<'_, B> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<B: FutexBackend> Copy for FutexHandle<'_, B> {}

impl<B: FutexBackend> fmt::Debug for FutexHandle<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FutexHandle").field("backend", &B::NAME).field("value", &self.load()).finish()
    }
}

impl<B: FutexBackend> FutexHandle<'_, B> {
    /// The C object's `wrt_futex_t` (for C code, e.g. a `wrt_mutex_t`).
    #[must_use]
    pub fn as_raw(&self) -> *mut sys::wrt_futex_t {
        // SAFETY: the slot is initialised and pinned.
        unsafe { B::base(self.slot.raw.get()) }
    }

    fn word(&self) -> &AtomicU32 {
        // SAFETY: as_raw is non-NULL for an initialised futex, and the word
        // is an _Atomic uint32_t living as long as the slot.
        unsafe { &(*self.as_raw()).value }
    }

    /// The word (`wrt_futex_load`: a sequentially consistent load).
    #[must_use]
    pub fn load(&self) -> u32 {
        self.word().load(Ordering::SeqCst)
    }

    /// Stores `v` (`wrt_futex_set`). Does not wake anyone.
    pub fn set(&self, v: u32) {
        self.word().store(v, Ordering::SeqCst);
    }

    /// Stores `new` if the word is `current` (`wrt_futex_compare_exchange`):
    /// `Ok(current)`, or `Err(actual)` leaving the word unchanged.
    pub fn compare_exchange(&self, current: u32, new: u32) -> core::result::Result<u32, u32> {
        self.word().compare_exchange(current, new, Ordering::SeqCst, Ordering::SeqCst)
    }

    /// Blocks while the word is `expected`: `Ok(())` when woken (possibly
    /// spuriously, depending on the backend: re-check the word),
    /// [`Error::Again`] at once if the word is not `expected`,
    /// [`Error::Timeout`] once `timeout` (relative, monotonic; `None`: none)
    /// has passed. A wake after the word check is never lost.
    pub fn wait(&self, expected: u32, timeout: Option<Duration>) -> Result<()> {
        // SAFETY: the futex is initialised; the C futex is thread-safe.
        check(unsafe { sys::wrt_futex_wait(self.as_raw(), expected, timeout_ns(timeout)) })
    }

    /// Wakes up to `count` waiters (`u32::MAX`: all). `count` 0 is
    /// `InvalidArg`. Waking with no waiter is `Ok`.
    pub fn wake(&self, count: u32) -> Result<()> {
        // SAFETY: the futex is initialised; the C futex is thread-safe.
        check(unsafe { sys::wrt_futex_wake(self.as_raw(), count) })
    }

    /// `wake(1)`.
    pub fn wake_one(&self) -> Result<()> {
        self.wake(1)
    }

    /// `wake(u32::MAX)`.
    pub fn wake_all(&self) -> Result<()> {
        self.wake(u32::MAX)
    }
}
