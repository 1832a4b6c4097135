//! CPU partitions from Rust: the builder, `run` (an instance's work inside
//! the partition), query, destroy; Linux on this host's cgroup tree (skipped,
//! with the reason printed, where the host refuses), QNX APS on the Neutrino
//! host model (feature `qnx-model`).

use wrt_platform_c::{CpuPartitionBackend, CpuPartitionBuilder, Error};

#[cfg(target_os = "linux")]
fn thread_cpu_cgroup() -> String {
    let text = std::fs::read_to_string("/proc/thread-self/cgroup").unwrap_or_default();
    text.lines()
        .find(|l| l.split(':').nth(1).is_some_and(|c| c.split(',').any(|x| x == "cpu")))
        .unwrap_or("")
        .to_owned()
}

#[cfg(target_os = "linux")]
#[test]
fn linux_partition_runs_work_inside_and_cleans_up() {
    let name = std::ffi::CString::new(format!("wrtr{}", std::process::id() % 100_000)).unwrap();
    let built = CpuPartitionBuilder::new(&name).budget_percent(25).create(CpuPartitionBackend::Linux);
    let mut part = match built {
        Err(e @ (Error::Permission | Error::Unsupported)) => {
            eprintln!("SKIP: host refuses a cgroup: {e}");
            return;
        }
        other => other.expect("create"),
    };
    let path = std::path::PathBuf::from(part.path().to_str().unwrap());
    assert!(path.is_dir());
    let inside = part.run(thread_cpu_cgroup).expect("run");
    assert!(inside.ends_with(name.to_str().unwrap()), "{inside}");
    assert!(!thread_cpu_cgroup().ends_with(name.to_str().unwrap()));
    assert_eq!(part.query().expect("query").budget_percent, 25);
    // A second partition with the same name: State, the first untouched.
    let dup = CpuPartitionBuilder::new(&name).budget_percent(5).create(CpuPartitionBackend::Linux);
    assert_eq!(dup.err(), Some(Error::State));
    // Linux has no critical budget: said, not ignored.
    let crit = CpuPartitionBuilder::new(c"wrtcrit").critical_budget_ms(5).create(CpuPartitionBackend::Linux);
    assert_eq!(crit.err(), Some(Error::Unsupported));
    part.destroy().expect("destroy");
    assert!(!path.exists());
}

#[cfg(target_os = "linux")]
#[test]
fn bad_arguments_are_refused() {
    for (name, budget) in [(c"", 10), (c"9x", 10), (c"a/b", 10), (c"ok", 0), (c"ok", 101)] {
        let r = CpuPartitionBuilder::new(name).budget_percent(budget).create(CpuPartitionBackend::Linux);
        assert_eq!(r.err(), Some(Error::InvalidArg), "{name:?} {budget}");
    }
}

#[cfg(feature = "qnx-model")]
mod model {
    use super::*;
    extern "C" {
        fn nto_sim_aps_reset();
        fn nto_sim_aps_set_loaded(loaded: bool);
        fn nto_sim_aps_thread_partition(tid: i32) -> i32;
        fn nto_sim_aps_free_budget() -> u32;
    }

    #[test]
    fn qnx_aps_on_the_model() {
        // SAFETY: the model's test controls; this is the only test touching APS.
        unsafe {
            nto_sim_aps_reset();
        }
        let r = CpuPartitionBuilder::new(c"wasm").budget_percent(20).create(CpuPartitionBackend::Qnx);
        assert_eq!(r.err(), Some(Error::Unsupported)); // no APS module
        // SAFETY: as above.
        unsafe { nto_sim_aps_set_loaded(true) };
        let mut part = CpuPartitionBuilder::new(c"wasm")
            .budget_percent(20)
            .critical_budget_ms(10)
            .create(CpuPartitionBackend::Qnx)
            .expect("create");
        // SAFETY: as above.
        let id = part.run(|| unsafe { nto_sim_aps_thread_partition(0) }).expect("run");
        assert!(id > 0);
        // SAFETY: as above.
        assert_eq!(unsafe { nto_sim_aps_thread_partition(0) }, 0);
        // SAFETY: as above.
        assert_eq!(unsafe { nto_sim_aps_free_budget() }, 80);
        let info = part.query().expect("query");
        assert_eq!((info.budget_percent, info.critical_budget_ms), (20, 10));
        let more = CpuPartitionBuilder::new(c"more").budget_percent(81).create(CpuPartitionBackend::Qnx);
        assert_eq!(more.err(), Some(Error::Limit));
        part.destroy().expect("destroy");
    }
}
