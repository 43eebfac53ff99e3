//! Where the DAO generation time of the largest corpus metadata spec goes: tokens (quote),
//! parse (syn), print (prettyplease). `cargo run --release -p charter-dao-tests --example genprof`.
//! `--features mimalloc` measures with the allocator of the `charter` command.
use std::time::Instant;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    let mut len = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let tokens = charter::dao::rust::service_module(&checked.repo, &tables);
        tq.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let f: syn::File = syn::parse2(tokens).unwrap();
        tp.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let s = charter::gen::format::unparse(f);
        tu.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        len = charter::dao::rust::file(&checked.repo, &tables, "x").len();
        tf.push(t.elapsed().as_secs_f64() * 1e3);
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
        "{} tables, {len} bytes: tokens {:.1} ms, parse {:.1} ms, print {:.1} ms; file() {:.1} ms",
        tables.len(),
        med(tq),
        med(tp),
        med(tu),
        med(tf)
    );
}
