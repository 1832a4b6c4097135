//! `wrt_status` as a Rust error.

use core::fmt;
use wrt_platform_sys as sys;

/// A failed call: one `wrt_status` other than `WRT_OK`, or [`Error::Busy`].
///
/// Implements [`core::error::Error`] (so `?` into `Box<dyn Error>`,
/// `anyhow`, ...) and [`Display`](fmt::Display) (the C library's text).
/// `#[non_exhaustive]`: a newer C library may add statuses, so a `match`
/// outside this crate needs a wildcard arm:
///
/// ```compile_fail,E0004
/// fn name(e: wrt_platform_c::Error) -> &'static str {
///     use wrt_platform_c::Error::*;
///     match e {
///         InvalidArg | Overflow | Limit | NoMemory | State | Timeout | Again | Unsupported
///         | Corrupt | Os | Busy | Unknown(_) => "every variant today, but no `_`",
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// `WRT_E_INVALID_ARG`: NULL, zero where not allowed, bad flags, misaligned.
    InvalidArg,
    /// `WRT_E_OVERFLOW`: size arithmetic would overflow.
    Overflow,
    /// `WRT_E_LIMIT`: beyond maximum pages, reservation or budget.
    Limit,
    /// `WRT_E_NO_MEMORY`: the OS refused memory.
    NoMemory,
    /// `WRT_E_STATE`: wrong state (double allocate/free, unknown region,
    /// an object that is already initialised).
    State,
    /// `WRT_E_TIMEOUT`: a timed wait expired.
    Timeout,
    /// `WRT_E_AGAIN`: the futex word was not the expected value (the wait
    /// did not block), or a try-lock found the mutex held.
    Again,
    /// `WRT_E_UNSUPPORTED`: not available on this platform or build.
    Unsupported,
    /// `WRT_E_CORRUPT`: a checksum did not match.
    Corrupt,
    /// `WRT_E_OS`: any other system-call failure.
    Os,
    /// `WRT_E_PERMISSION`: the OS refused for want of privilege.
    Permission,
    /// Not a C status: another thread is inside a call on the same page
    /// allocator (one C allocator object is not for concurrent use; the
    /// Rust handle refuses instead of racing). Nothing was done.
    Busy,
    /// A status this crate does not know (a newer C library).
    Unknown(u32),
}

/// `Result` with [`Error`].
pub type Result<T> = core::result::Result<T, Error>;

impl Error {
    /// The error for a C status; `None` for `WRT_OK`.
    #[must_use]
    pub const fn from_status(s: sys::wrt_status) -> Option<Self> {
        Some(match s {
            sys::WRT_OK => return None,
            sys::WRT_E_INVALID_ARG => Self::InvalidArg,
            sys::WRT_E_OVERFLOW => Self::Overflow,
            sys::WRT_E_LIMIT => Self::Limit,
            sys::WRT_E_NO_MEMORY => Self::NoMemory,
            sys::WRT_E_STATE => Self::State,
            sys::WRT_E_TIMEOUT => Self::Timeout,
            sys::WRT_E_AGAIN => Self::Again,
            sys::WRT_E_UNSUPPORTED => Self::Unsupported,
            sys::WRT_E_CORRUPT => Self::Corrupt,
            sys::WRT_E_OS => Self::Os,
            sys::WRT_E_PERMISSION => Self::Permission,
            other => Self::Unknown(other),
        })
    }

    /// The C status this error came from (`Busy` has none: `None`).
    #[must_use]
    pub const fn status(self) -> Option<sys::wrt_status> {
        Some(match self {
            Self::InvalidArg => sys::WRT_E_INVALID_ARG,
            Self::Overflow => sys::WRT_E_OVERFLOW,
            Self::Limit => sys::WRT_E_LIMIT,
            Self::NoMemory => sys::WRT_E_NO_MEMORY,
            Self::State => sys::WRT_E_STATE,
            Self::Timeout => sys::WRT_E_TIMEOUT,
            Self::Again => sys::WRT_E_AGAIN,
            Self::Unsupported => sys::WRT_E_UNSUPPORTED,
            Self::Corrupt => sys::WRT_E_CORRUPT,
            Self::Os => sys::WRT_E_OS,
            Self::Permission => sys::WRT_E_PERMISSION,
            Self::Unknown(s) => s,
            Self::Busy => return None,
        })
    }

    /// The C library's text for the status (`wrt_status_str`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        let Some(s) = self.status() else {
            return "Busy: another thread is using this page allocator";
        };
        // SAFETY: wrt_status_str returns a static, NUL-terminated, never-NULL
        // string for every value.
        let text = unsafe { core::ffi::CStr::from_ptr(sys::wrt_status_str(s)) };
        text.to_str().unwrap_or("wrt_status (not UTF-8)")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::error::Error for Error {}

/// `Ok(())` for `WRT_OK`, the error otherwise.
pub(crate) const fn check(s: sys::wrt_status) -> Result<()> {
    match Error::from_status(s) {
        None => Ok(()),
        Some(e) => Err(e),
    }
}

/// A relative timeout in the C library's nanoseconds: `None` waits for ever
/// (`WRT_WAIT_FOREVER`); a duration longer than `u64::MAX - 1` ns (584
/// years) is cut to that, so it never turns into "for ever" by accident.
pub(crate) fn timeout_ns(timeout: Option<core::time::Duration>) -> u64 {
    match timeout {
        None => sys::WRT_WAIT_FOREVER,
        Some(d) => u64::try_from(d.as_nanos()).unwrap_or(u64::MAX).min(sys::WRT_WAIT_FOREVER - 1),
    }
}
