//! Safe Rust over the wrt_platform C library: the page allocator, the
//! futex, the futex mutex and the checksummed provider, on Linux and on QNX
//! Neutrino.
//!
//! `no_std`, no `alloc`: every C object lives in storage the caller gives
//! (a `static`, or pinned on the stack) and never moves once initialised.
//!
//! ```no_run
//! use core::pin::Pin;
//! use wrt_platform_c::{LinuxAllocatorConfig, LinuxAllocatorSlot};
//!
//! static MEMORY: LinuxAllocatorSlot = LinuxAllocatorSlot::new();
//! let alloc = Pin::static_ref(&MEMORY).init(&LinuxAllocatorConfig::default())?;
//! let region = alloc.allocate(1, Some(16))?;
//! let grown = alloc.grow(1, 3)?;
//! assert_eq!(grown.base, region.base); // reserved up front: never moves
//! # Ok::<(), wrt_platform_c::Error>(())
//! ```
//!
//! Errors are the C library's statuses ([`Error`]); see the README section
//! "Using it from Rust (WRT)" for how they map to WRT's errors.
#![no_std]

mod error;
pub mod memory;
pub mod mutex;
pub mod placement;
pub mod provider;
pub mod sync;

#[cfg(target_os = "linux")]
pub mod linux;
#[cfg(any(target_os = "nto", feature = "qnx-model"))]
pub mod qnx;

pub use error::{Error, Result};
pub use memory::{Access, AllocatorBackend, AllocatorSlot, Growth, PageAllocator, Region, RegionInfo, WASM_PAGE_SIZE};
pub use mutex::{Mutex, MutexGuard};
pub use placement::{HugePages, NumaPolicy, Placement, PlacementInfo};
pub use provider::Provider;
pub use sync::{Futex, FutexBackend, FutexSlot};

#[cfg(target_os = "linux")]
pub use linux::{Linux, LinuxAllocator, LinuxAllocatorConfig, LinuxAllocatorSlot, LinuxFutex, LinuxFutexConfig, LinuxFutexSlot};
#[cfg(any(target_os = "nto", feature = "qnx-model"))]
pub use qnx::{
    Partition, Qnx, QnxAllocator, QnxAllocatorBuilder, QnxAllocatorConfig, QnxAllocatorSlot, QnxFutex, QnxFutexBuilder,
    QnxFutexConfig, QnxFutexSlot, QnxSyncPriority, QnxWakeOrder,
};

/// The raw bindings, for what this crate does not wrap.
pub use wrt_platform_sys as sys;
