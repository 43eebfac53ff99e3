//! Where the DAO generation time of the largest corpus metadata spec goes: tokens (quote),
//! parse (syn), print (prettyplease). `cargo run --release -p charter-dao-tests --example genprof`.
//! `--features mimalloc` measures with the allocator of the `charter` command.
//!
//! Besides wall time, each step's CPU time (the thread's for the single-threaded steps, the
//! process's for `file()`, which prints on every core): on a shared machine the wall time grows
//! with the load, the CPU time much less.
use std::time::Instant;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU time of this thread or process so far, in ms.
fn cpu_ms(clock: libc::clockid_t) -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec and `clock` a clock id of this platform.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 / 1e6
}

fn main() {
    let largest = charter_dao_tests::workspace().join(
        "../shared/corpus/api-json/apicollective__apibuilder__dao__spec__psql-apibuilder.json",
    );
    let text = std::fs::read_to_string(&largest).unwrap();
    let checked =
        charter::check_sources(vec![(largest.clone(), text)], &charter::Options::default());
    let (plan, _) = charter::dao::plan_checked(&checked);
    let sid = plan.services()[0];
    let tables: Vec<_> = plan.for_service(sid).collect();
    let runs = 20;
    let (mut tq, mut tp, mut tu, mut tf) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut cq, mut cp, mut cu, mut cf) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let thread = || cpu_ms(libc::CLOCK_THREAD_CPUTIME_ID);
    let process = || cpu_ms(libc::CLOCK_PROCESS_CPUTIME_ID);
    let mut len = 0;
    for _ in 0..runs {
        let (t, c) = (Instant::now(), thread());
        let tokens = charter::dao::rust::service_module(&checked.repo, &tables);
        tq.push(t.elapsed().as_secs_f64() * 1e3);
        cq.push(thread() - c);
        let (t, c) = (Instant::now(), thread());
        let f: syn::File = syn::parse2(tokens).unwrap();
        tp.push(t.elapsed().as_secs_f64() * 1e3);
        cp.push(thread() - c);
        let (t, c) = (Instant::now(), thread());
        let s = charter::gen::format::unparse(f);
        tu.push(t.elapsed().as_secs_f64() * 1e3);
        cu.push(thread() - c);
        let (t, c) = (Instant::now(), process());
        len = charter::dao::rust::file(&checked.repo, &tables, "x").len();
        tf.push(t.elapsed().as_secs_f64() * 1e3);
        cf.push(process() - c);
        assert!(!s.is_empty());
    }
    if let Some(out) = std::env::var_os("GENPROF_OUT") {
        std::fs::write(out, charter::dao::rust::file(&checked.repo, &tables, "x")).unwrap();
    }
    let med = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "{} tables, {len} bytes: tokens {:.1} ms, parse {:.1} ms, print {:.1} ms; file() {:.1} ms (CPU: {:.1} / {:.1} / {:.1}; file() {:.1} ms on all threads)",
        tables.len(),
        med(tq),
        med(tp),
        med(tu),
        med(tf),
        med(cq),
        med(cp),
        med(cu),
        med(cf)
    );
}
