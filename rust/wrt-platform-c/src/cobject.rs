//! `CObject<T>`: the one place that says why a C object of this library
//! may be owned by (moved to) another thread. The types that hold one
//! (slots, the mutex, the provider) are then `Send` by the compiler's own
//! rules, and argue only `Sync` themselves (issue 23 item 6: clippy's
//! `non_send_fields_in_send_ty`). Crate-private; no other module's types.

use core::cell::UnsafeCell;

use wrt_platform_sys as sys;

/// A C object of the wrt_platform library, in place.
pub(crate) struct CObject<T: CType>(UnsafeCell<T>);

impl<T: CType> CObject<T> {
    pub(crate) const fn new(v: T) -> Self {
        Self(UnsafeCell::new(v))
    }
    /// The object, for the C calls.
    pub(crate) const fn get(&self) -> *mut T {
        self.0.get()
    }
}

// SAFETY: owning a C object of this library on another thread is sound
// because none of them holds thread identity: the headers' thread-safety
// notes (wrt/memory.h: "an allocator is one region owned by one thread at
// a time", i.e. any thread, in turn; wrt/sync.h: futex calls "may run on
// any number of threads at once"; wrt/mutex.h: "no owner", unlock from
// another thread is allowed) and the objects' contents (addresses of
// memory the process owns, atomic words, counters, and on QNX a
// process-shared pthread mutex that is never held between calls) contain
// no thread id, no thread-local pointer and no lock held across calls.
// The raw pointers inside (a region's base, a mutex's futex, a provider's
// buffers) name memory that stays valid independently of which thread
// owns the object: the owning Rust type's lifetimes and pins make sure of
// that. Sharing (`Sync`) is NOT given here: each owner argues it.
// The lint fires on any raw-pointer-holding field by construction; this is
// the one place it is allowed, for the reason above.
#[allow(clippy::non_send_fields_in_send_ty)]
unsafe impl<T: CType> Send for CObject<T> {}

/// The C object types that may be put in a [`CObject`] (public in a
/// private module: no other crate can name it, so no other type gets in).
pub trait CType {}

impl CType for sys::wrt_linux_allocator_t {}
impl CType for sys::wrt_linux_futex_t {}
impl CType for sys::wrt_qnx_allocator_t {}
impl CType for sys::wrt_qnx_futex_t {}
impl CType for sys::wrt_mutex_t {}
impl CType for sys::wrt_provider_t {}
impl CType for sys::wrt_pool_t {}
impl<const N: usize> CType for [sys::wrt_pool_slot_t; N] {}
