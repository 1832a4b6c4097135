//! Storage for the caller-allocated C objects whose fields are private:
//! opaque blocks with the C object's size and alignment on each target.
//!
//! The numbers are those of `include/wrt/object_sizes.h` (`WRT_<TYPE>_SIZE`,
//! generated per target by scripts/object-sizes.sh and checked by
//! `_Static_assert` in the C library). `tests/layout.rs` compares them,
//! and the C compiler's `sizeof` / `_Alignof`, with these on every test run
//! on the host (x86_64 or aarch64 Linux; the QNX types there are src/qnx
//! over the Neutrino host model, whose `pthread_mutex_t` is glibc's). The
//! QNX targets' numbers are computed from the SDP's `pthread_mutex_t`
//! (`struct _sync`, 8 bytes) and NOT yet confirmed by qcc: the first qcc
//! build of the C library confirms or rejects them. Other targets are
//! refused at compile time.

/// Declares an opaque, `repr(C)` block of `SIZE` bytes aligned to 8.
macro_rules! opaque {
    ($(#[$m:meta])* $name:ident, $size:ident) => {
        $(#[$m])*
        #[repr(C, align(8))]
        pub struct $name {
            _opaque: [u8; $size],
            // Never Send/Sync/Unpin by itself: the safe crate decides.
            _pin: core::marker::PhantomData<(*mut u8, core::marker::PhantomPinned)>,
        }
        impl $name {
            /// All-zero storage: what the C library calls "zeroed" (not
            /// initialised; `*_destroy` and `*_base` accept it).
            pub const ZEROED: Self = Self { _opaque: [0; $size], _pin: core::marker::PhantomData };
        }
        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(stringify!($name))
            }
        }
    };
}

/// Alignment of every opaque object below, on every supported target.
pub const WRT_OBJECT_ALIGN: usize = 8;

#[cfg(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
mod sizes {
    pub const WRT_LINUX_ALLOCATOR_SIZE: usize = 280;
    pub const WRT_LINUX_FUTEX_SIZE: usize = 24;
    pub const WRT_PROVIDER_SIZE: usize = 72;
    pub const WRT_QNX_ALLOCATOR_SIZE: usize = 288;
    #[cfg(target_arch = "x86_64")]
    pub const WRT_QNX_FUTEX_SIZE: usize = 112; // glibc pthread_mutex_t: 40
    #[cfg(target_arch = "aarch64")]
    pub const WRT_QNX_FUTEX_SIZE: usize = 120; // glibc pthread_mutex_t: 48
}

#[cfg(all(target_os = "nto", any(target_arch = "x86_64", target_arch = "aarch64")))]
mod sizes {
    pub const WRT_LINUX_ALLOCATOR_SIZE: usize = 280;
    pub const WRT_LINUX_FUTEX_SIZE: usize = 24;
    pub const WRT_PROVIDER_SIZE: usize = 72;
    pub const WRT_QNX_ALLOCATOR_SIZE: usize = 288;
    pub const WRT_QNX_FUTEX_SIZE: usize = 80; // sync_t: 8
}

#[cfg(not(all(
    any(target_os = "linux", target_os = "nto"),
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
compile_error!("wrt-platform-sys: object sizes are known for x86_64/aarch64 Linux and QNX only");

pub use sizes::*;

opaque!(
    /// `wrt_linux_allocator_t`.
    wrt_linux_allocator_t, WRT_LINUX_ALLOCATOR_SIZE
);
opaque!(
    /// `wrt_linux_futex_t` (its first member is the `wrt_futex_t`).
    wrt_linux_futex_t, WRT_LINUX_FUTEX_SIZE
);
opaque!(
    /// `wrt_provider_t`.
    wrt_provider_t, WRT_PROVIDER_SIZE
);
opaque!(
    /// `wrt_qnx_allocator_t`.
    wrt_qnx_allocator_t, WRT_QNX_ALLOCATOR_SIZE
);
opaque!(
    /// `wrt_qnx_futex_t`: holds a `pthread_mutex_t`, so it must never move
    /// once initialised.
    wrt_qnx_futex_t, WRT_QNX_FUTEX_SIZE
);
