//! The seed's usage example, on this crate: a QNX allocator with guard
//! pages, 2 pages allocated with a maximum of 4, a QNX futex with high
//! pulse priority, set / compare-exchange / wake-one.
//!
//! Runs on the QNX backend (on QNX, or on a Linux host over the Neutrino
//! host model: `cargo run --example seed_usage --features qnx-model`), and
//! otherwise the same steps on the Linux backend. No heap: the C objects
//! live in statics.

use core::pin::Pin;

#[cfg(any(target_os = "nto", feature = "qnx-model"))]
fn main() -> Result<(), wrt_platform_c::Error> {
    use wrt_platform_c::{QnxAllocatorConfigBuilder, QnxAllocatorSlot, QnxFutexConfigBuilder, QnxFutexSlot, QnxPulsePriority};

    static ALLOCATOR: QnxAllocatorSlot = QnxAllocatorSlot::new();
    static FUTEX: QnxFutexSlot = QnxFutexSlot::new();

    // Create a QNX memory allocator
    let allocator = Pin::static_ref(&ALLOCATOR).init(&QnxAllocatorConfigBuilder::new().with_guard_pages(true).build())?;
    // Allocate 2 pages of memory
    let region = allocator.allocate(2, Some(4))?;
    println!("qnx: allocated {} bytes at {:p}", region.size, region.base);

    // Create a QNX futex for synchronization
    let futex = Pin::static_ref(&FUTEX).init(&QnxFutexConfigBuilder::new().with_priority(QnxPulsePriority::High).build())?;
    // Use the futex for synchronization
    futex.set(1);
    if futex.compare_exchange(1, 2).is_ok() {
        // Wake any waiters
        futex.wake_one()?;
    }
    println!("qnx: futex word {}", futex.load());
    // SAFETY: no reference into the region exists.
    unsafe { allocator.deallocate(region.base, region.size)? };
    Ok(())
}

#[cfg(not(any(target_os = "nto", feature = "qnx-model")))]
fn main() -> Result<(), wrt_platform_c::Error> {
    use wrt_platform_c::{LinuxAllocatorConfig, LinuxAllocatorSlot, LinuxFutexConfig, LinuxFutexSlot};

    static ALLOCATOR: LinuxAllocatorSlot = LinuxAllocatorSlot::new();
    static FUTEX: LinuxFutexSlot = LinuxFutexSlot::new();

    let config = LinuxAllocatorConfig { guard_pages: true, ..LinuxAllocatorConfig::default() };
    let allocator = Pin::static_ref(&ALLOCATOR).init(&config)?;
    let region = allocator.allocate(2, Some(4))?;
    println!("linux: allocated {} bytes at {:p}", region.size, region.base);

    let futex = Pin::static_ref(&FUTEX).init(&LinuxFutexConfig::default())?;
    futex.set(1);
    if futex.compare_exchange(1, 2).is_ok() {
        futex.wake_one()?;
    }
    println!("linux: futex word {}", futex.load());
    // SAFETY: no reference into the region exists.
    unsafe { allocator.deallocate(region.base, region.size)? };
    Ok(())
}
