//! WRT's platform traits over the wrt_platform C library:
//! [`wrt_platform::memory::PageAllocator`] for [`WrtPageAllocator`] and
//! [`wrt_platform::sync::FutexLike`] for [`WrtFutex`], on the Linux backend
//! and the QNX backend (QNX, or the Neutrino host model with `qnx-model`).
//!
//! `no_std`, no `alloc`. The allocator is a `Copy` handle to a `'static`
//! slot (WRT's `PalMemoryProvider` needs `Clone + 'static`, and clones it);
//! every clone reaches the same C allocator, which holds one region.
//!
//! # Error mapping (`wrt_status` → `wrt_error::Error`)
//!
//! | C status / Rust error     | WRT category     | WRT code                   |
//! |---------------------------|------------------|----------------------------|
//! | `WRT_E_INVALID_ARG`       | `Parameter`      | `INVALID_ARGUMENT` (5002)  |
//! | `WRT_E_OVERFLOW`          | `Memory`         | `INTEGER_OVERFLOW` (8606)  |
//! | `WRT_E_LIMIT`             | `Memory`         | `CAPACITY_EXCEEDED` (1016) |
//! | `WRT_E_NO_MEMORY`         | `Memory`         | `MEMORY_ALLOCATION_FAILED` (9000) |
//! | `WRT_E_STATE`             | `Memory`         | `INVALID_STATE` (5003)     |
//! | `WRT_E_TIMEOUT`           | `System`         | `EXECUTION_TIMEOUT` (7001) |
//! | `WRT_E_AGAIN`             | `Concurrency`    | `WOULD_BLOCK` (2024)       |
//! | `WRT_E_UNSUPPORTED`       | `NotSupported`   | `UNSUPPORTED_OPERATION` (8001) |
//! | `WRT_E_CORRUPT`           | `Verification`   | `CHECKSUM_MISMATCH` (5004) |
//! | `WRT_E_OS`                | `System`         | `SYSTEM_ERROR` (8000)      |
//! | `WRT_E_PERMISSION`        | `System`         | `SYSTEM_ERROR` (8000)      |
//! | `Error::Busy` (Rust only) | `Concurrency`    | `CONCURRENCY_LOCK_FAILURE` (8004) |
//! | unknown status            | `Unknown`        | `SYSTEM_ERROR` (8000)      |
//!
//! Where WRT's trait contract says otherwise, the contract wins:
//! - `FutexLike::wait`: `WRT_E_AGAIN` (the word was not `expected`) is
//!   `Ok(())` ("the value changed", as WRT's own futexes return); a
//!   timeout is `Err` with category `System` (as the trait documents).
//! - `FutexLike::wake(0)` is `Ok(())` and wakes nobody (the C library
//!   refuses count 0 with `WRT_E_INVALID_ARG`).
//! - `PageAllocator::deallocate` accepts the size `allocate` returned even
//!   after grows (WRT's `PalMemoryProvider` passes it) and releases the
//!   whole region.
//! - `PageAllocator::grow` cannot report a new base, so the allocator is
//!   always configured `no_move`: a grow that would move the region (past a
//!   limited `reserve_pages`, or `Growth::Exact`) fails with `LIMIT`
//!   (`Memory` / `CAPACITY_EXCEEDED`) and changes nothing.
#![no_std]

use core::fmt;
use core::pin::Pin;
use core::ptr::NonNull;
use core::time::Duration;

use wrt_error::{codes, Error as WrtError, ErrorCategory, Result as WrtResult};
use wrt_platform_c::{AllocationId, AllocatorBackend, AllocatorHandle, AllocatorSlot, Error, FutexBackend, FutexHandle};

/// The WRT error for a wrt-platform-c error (see the crate documentation).
#[must_use]
pub const fn to_wrt_error(e: Error) -> WrtError {
    let (category, code, message) = match e {
        Error::InvalidArg => (ErrorCategory::Parameter, codes::INVALID_ARGUMENT, "wrt_platform: WRT_E_INVALID_ARG"),
        Error::Overflow => (ErrorCategory::Memory, codes::INTEGER_OVERFLOW, "wrt_platform: WRT_E_OVERFLOW"),
        Error::Limit => (ErrorCategory::Memory, codes::CAPACITY_EXCEEDED, "wrt_platform: WRT_E_LIMIT"),
        Error::NoMemory => (ErrorCategory::Memory, codes::MEMORY_ALLOCATION_FAILED, "wrt_platform: WRT_E_NO_MEMORY"),
        Error::State => (ErrorCategory::Memory, codes::INVALID_STATE, "wrt_platform: WRT_E_STATE"),
        Error::Timeout => (ErrorCategory::System, codes::EXECUTION_TIMEOUT, "wrt_platform: WRT_E_TIMEOUT"),
        Error::Again => (ErrorCategory::Concurrency, codes::WOULD_BLOCK, "wrt_platform: WRT_E_AGAIN"),
        Error::Unsupported => {
            (ErrorCategory::NotSupported, codes::UNSUPPORTED_OPERATION, "wrt_platform: WRT_E_UNSUPPORTED")
        }
        Error::Corrupt => (ErrorCategory::Verification, codes::CHECKSUM_MISMATCH, "wrt_platform: WRT_E_CORRUPT"),
        Error::Os => (ErrorCategory::System, codes::SYSTEM_ERROR, "wrt_platform: WRT_E_OS"),
        Error::Permission => (ErrorCategory::System, codes::SYSTEM_ERROR, "wrt_platform: WRT_E_PERMISSION"),
        Error::Busy => (
            ErrorCategory::Concurrency,
            codes::CONCURRENCY_LOCK_FAILURE,
            "wrt_platform: allocator in use by another thread",
        ),
        // Error is non_exhaustive: a status added later maps as an unknown one.
        _ => (ErrorCategory::Unknown, codes::SYSTEM_ERROR, "wrt_platform: unknown wrt_status"),
    };
    WrtError::new(category, code, message)
}

/// A config that can be forced to `no_move` (both backends' configs).
pub trait NoMoveConfig: Copy {
    /// The config with `no_move` set.
    #[must_use]
    fn with_no_move(self) -> Self;
}

#[cfg(target_os = "linux")]
impl NoMoveConfig for wrt_platform_c::LinuxAllocatorConfig {
    fn with_no_move(mut self) -> Self {
        self.no_move = true;
        self
    }
}

#[cfg(any(target_os = "nto", feature = "qnx-model"))]
impl NoMoveConfig for wrt_platform_c::QnxAllocatorConfig {
    fn with_no_move(mut self) -> Self {
        self.no_move = true;
        self
    }
}

/// WRT's `PageAllocator` over a C page allocator in a `'static` slot.
///
/// `Default` is an *unbound* allocator: every call fails cleanly with
/// `Memory` / `INVALID_STATE` and touches nothing. It exists because
/// wrt-foundation implements its `Provider` (and so `write_data`,
/// `borrow_slice`, `AtomicMemoryOps::from_provider`) for
/// `PalMemoryProvider<A>` only when `A: Default`; a provider is made with
/// [`new`](Self::new)'s bound allocator, never from `Default` (WRT's own
/// `PalMemoryProvider::default()` would panic on the unbound one, as its
/// `expect` says).
///
/// Each value remembers the allocation its `allocate` made
/// ([`AllocationId`]); `deallocate` releases only that one, so a clone left
/// over from a released region (a `PalMemoryProvider` clone, say) cannot
/// release a later region of the same slot, even at the same base: it gets
/// `INVALID_STATE` and nothing changes.
pub struct WrtPageAllocator<B: AllocatorBackend> {
    inner: Option<AllocatorHandle<'static, B>>,
    allocation: Option<AllocationId>,
}

impl<B: AllocatorBackend> Default for WrtPageAllocator<B> {
    fn default() -> Self {
        Self { inner: None, allocation: None }
    }
}

/// What an unbound allocator's calls return.
const UNBOUND: WrtError =
    WrtError::new(ErrorCategory::Memory, codes::INVALID_STATE, "wrt_platform: allocator not bound to a slot");

impl<B: AllocatorBackend> Clone for WrtPageAllocator<B> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<B: AllocatorBackend> Copy for WrtPageAllocator<B> {}

impl<B: AllocatorBackend> fmt::Debug for WrtPageAllocator<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("WrtPageAllocator").field(&self.inner).finish()
    }
}

impl<B: AllocatorBackend> WrtPageAllocator<B>
where
    B::Config: NoMoveConfig,
{
    /// Initialises `slot` with `cfg` plus `no_move` (see the crate
    /// documentation) and returns the allocator.
    pub fn new(slot: Pin<&'static AllocatorSlot<B>>, cfg: &B::Config) -> WrtResult<Self> {
        slot.init(&cfg.with_no_move()).map(|inner| Self { inner: Some(inner), allocation: None }).map_err(to_wrt_error)
    }
}

impl<B: AllocatorBackend> WrtPageAllocator<B> {
    /// The wrt-platform-c handle (for `query`, `protect`, ...); `None` for
    /// an unbound (`Default`) allocator.
    #[must_use]
    pub fn handle(&self) -> Option<AllocatorHandle<'static, B>> {
        self.inner
    }

    fn bound(&self) -> WrtResult<AllocatorHandle<'static, B>> {
        self.inner.ok_or(UNBOUND)
    }
}

impl<B: AllocatorBackend> wrt_platform::memory::PageAllocator for WrtPageAllocator<B> {
    fn allocate(&mut self, initial_pages: u32, maximum_pages: Option<u32>) -> WrtResult<(NonNull<u8>, usize)> {
        let r = self.bound()?.allocate(initial_pages, maximum_pages).map_err(to_wrt_error)?;
        self.allocation = Some(r.id);
        Ok((r.base, r.size))
    }

    fn grow(&mut self, current_pages: u32, additional_pages: u32) -> WrtResult<()> {
        // no_move: the base cannot change, so there is nothing to report.
        self.bound()?.grow(current_pages, additional_pages).map(drop).map_err(to_wrt_error)
    }

    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, size: usize) -> WrtResult<()> {
        let handle = self.bound()?;
        let id = self.allocation.ok_or_else(|| to_wrt_error(Error::State))?;
        // SAFETY: the trait's contract (no reference into the region
        // survives) is the caller's.
        unsafe { handle.release(id, ptr, size) }.map_err(to_wrt_error)?;
        self.allocation = None;
        Ok(())
    }
}

/// WRT's `FutexLike` over a C futex.
pub struct WrtFutex<'a, B: FutexBackend> {
    inner: FutexHandle<'a, B>,
}

impl<B: FutexBackend> Clone for WrtFutex<'_, B> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<B: FutexBackend> Copy for WrtFutex<'_, B> {}

impl<B: FutexBackend> fmt::Debug for WrtFutex<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("WrtFutex").field(&self.inner).finish()
    }
}

impl<'a, B: FutexBackend> WrtFutex<'a, B> {
    /// Wraps an initialised futex.
    #[must_use]
    pub fn new(inner: FutexHandle<'a, B>) -> Self {
        Self { inner }
    }
    /// The wrt-platform-c handle (load, set, compare_exchange).
    #[must_use]
    pub fn handle(&self) -> FutexHandle<'a, B> {
        self.inner
    }
}

impl<B: FutexBackend> wrt_platform::sync::FutexLike for WrtFutex<'_, B> {
    fn wait(&self, expected: u32, timeout: Option<Duration>) -> WrtResult<()> {
        match self.inner.wait(expected, timeout) {
            Ok(()) | Err(Error::Again) => Ok(()),
            Err(Error::Timeout) => Err(WrtError::new(
                ErrorCategory::System,
                codes::EXECUTION_TIMEOUT,
                "wrt_platform: futex wait timed out",
            )),
            Err(e) => Err(to_wrt_error(e)),
        }
    }

    fn wake(&self, count: u32) -> WrtResult<()> {
        if count == 0 {
            return Ok(());
        }
        self.inner.wake(count).map_err(to_wrt_error)
    }
}
