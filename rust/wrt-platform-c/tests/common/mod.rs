//! Shared test helpers: the same tests run on every backend built in.
#![allow(dead_code)]

use std::fs;
use std::ptr::NonNull;

/// The protection ("rw-", "---", ...) of the mapping that contains `addr`,
/// from /proc/self/maps, without the private/shared letter (the QNX eager
/// mode's memory is a MAP_SHARED object: src/qnx/qnx_object_commit.c);
/// None if no mapping does.
pub fn mapping_perms(addr: usize) -> Option<String> {
    let maps = fs::read_to_string("/proc/self/maps").expect("/proc/self/maps");
    for line in maps.lines() {
        let mut parts = line.split_whitespace();
        let range = parts.next()?;
        let perms = parts.next()?;
        let (lo, hi) = range.split_once('-')?;
        let lo = usize::from_str_radix(lo, 16).ok()?;
        let hi = usize::from_str_radix(hi, 16).ok()?;
        if (lo..hi).contains(&addr) {
            return Some(perms.chars().take(3).collect());
        }
    }
    None
}

/// Reads byte `i` of a region through a raw pointer (volatile: the region
/// is memory the test does not own as a Rust object).
pub fn peek(base: NonNull<u8>, i: usize) -> u8 {
    // SAFETY: the caller passes an accessible offset of a live region.
    unsafe { base.as_ptr().add(i).read_volatile() }
}

/// Writes byte `i` of a region.
pub fn poke(base: NonNull<u8>, i: usize, v: u8) {
    // SAFETY: as peek, writable.
    unsafe { base.as_ptr().add(i).write_volatile(v) }
}

/// True if every byte in [from, to) reads as zero (checked one byte per
/// 4 KiB plus both ends: enough to see a page that is not fresh).
pub fn zero_between(base: NonNull<u8>, from: usize, to: usize) -> bool {
    let mut i = from;
    while i < to {
        if peek(base, i) != 0 {
            return false;
        }
        i += 4096;
    }
    to == from || peek(base, to - 1) == 0
}

/// Serialises the tests of one test binary that map memory: a test that
/// checks a released region is gone from /proc/self/maps would otherwise
/// see another test's new region at the freed address (the kernel reuses
/// the hole). Held for a whole test; a panicking test does not block the
/// others (the poison is ignored).
pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
