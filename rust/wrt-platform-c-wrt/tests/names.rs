//! Issue 23 item 10: a WRT user imports WRT's names and ours together,
//! without aliases. Before the renames this file did not compile (E0252:
//! `PageAllocator`, `Mutex`, `MutexGuard`, `Provider` defined twice).
//! WRT's `LinuxAllocator`/`LinuxFutex` (feature `platform-linux`) and its
//! QNX types (`platform-qnx`, QNX targets only) cannot be imported here: at
//! WRT 30c80add `platform-linux` does not compile (E0308/E0061 in
//! wrt-platform's linux_memory.rs and platform_abstraction.rs), and there
//! is no QNX target to run on. Ours were renamed all the same
//! (`LinuxAllocatorHandle`, `LinuxFutexHandle`, `QnxAllocatorHandle`,
//! `QnxFutexHandle`, `QnxAllocatorConfigBuilder`, `QnxFutexConfigBuilder`,
//! `QnxPulsePriority`), so those pairs cannot collide either.
#![cfg(target_os = "linux")]

use core::pin::pin;

use wrt_foundation::safe_memory::Provider;
use wrt_platform::memory::PageAllocator;
use wrt_platform::sync::{FutexLike, Mutex, MutexGuard};
use wrt_platform_c::{
    AllocatorHandle, ChecksumProvider, FutexHandle, FutexMutex, FutexMutexGuard, Linux, LinuxAllocatorHandle,
    LinuxFutexHandle, LinuxFutexSlot,
};

#[test]
fn wrt_names_and_ours_side_by_side() {
    // Each name is used, so each import is real.
    fn is_page_allocator<A: PageAllocator>() {}
    fn is_futex<F: FutexLike>() {}
    fn is_provider<P: Provider>() {}
    is_page_allocator::<wrt_platform_c_wrt::WrtPageAllocator<Linux>>();
    is_futex::<wrt_platform_c_wrt::WrtFutex<'static, Linux>>();
    is_provider::<wrt_foundation::linear_memory::PalMemoryProvider<wrt_platform_c_wrt::WrtPageAllocator<Linux>>>();
    let wrt_lock: Mutex<u32> = Mutex::new(1);
    let g: MutexGuard<'_, u32> = wrt_lock.lock().unwrap();
    assert_eq!(*g, 1);

    let slot = pin!(LinuxFutexSlot::new());
    let ours = FutexMutex::with_data(slot.as_ref(), &Default::default(), 2u32).unwrap();
    let g: FutexMutexGuard<'_, '_, u32> = ours.lock().unwrap();
    assert_eq!(*g, 2);
    let _: Option<AllocatorHandle<'_, Linux>> = None;
    let _: Option<LinuxAllocatorHandle<'_>> = None;
    let _: Option<FutexHandle<'_, Linux>> = None;
    let _: Option<LinuxFutexHandle<'_>> = None;
    let _: Option<ChecksumProvider<'_>> = None;
}
