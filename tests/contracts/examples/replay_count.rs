//! Replay against the mock as `benches/replay.rs` runs them (10,000 `get_by_id` calls per round,
//! a new session of one loaded replayer per round), timed by the CPU time of the calling thread
//! (`CLOCK_THREAD_CPUTIME_ID`) as well as the wall clock: on a shared machine the thread's
//! own CPU time moves far less with the load than criterion's wall times.
//!
//! `cargo run --release -p charter-contracts --example replay_count [ROUNDS]`: rounds alternate
//! between the mock and replay; prints ns per call of each and their ratio (`REPLAY_ONLY=mock` or
//! `=replay` runs one alone). In one process the mock's rounds can pay for the heap the replay
//! rounds left (glibc returning and re-faulting pages): for figures, run each alone, alternately.
//! `REPLAY_N` sets the interactions per round (default 10,000; 500 fit in the caches).

use charter_contracts::fixture;
use charter_contracts::io_charter_user_v0 as user;
use charter_runtime::client::ClientBuilder;
use charter_runtime::record::Replayer;
use user::client::UsersApi as _;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(100);
    // `REPLAY_N=500`: a cassette whose answers stay in the CPU's caches, to tell what a call
    // costs from what its cold memory costs.
    let n: usize = std::env::var("REPLAY_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ids: Vec<String> = (0..n).map(|i| format!("usr-{i}")).collect();
    let loaded = Replayer::new(fixture::users_cassette(n));
    // `REPLAY_ONLY=mock` or `=replay`: one of them alone.
    let only = std::env::var("REPLAY_ONLY").ok();
    // Warm up: the first session decodes every answer once, as the bench's warm-up does.
    let (mut mock, mut replay) = (Times::default(), Times::default());
    for round in 0..=rounds {
        for which in ["mock", "replay"] {
            if only.as_deref().is_some_and(|o| o != which) {
                continue;
            }
            let (cpu, wall) = (thread_cpu_ns(), std::time::Instant::now());
            match which {
                "mock" => {
                    let mock = user::mock::MockClient::new();
                    rt.block_on(async {
                        for id in &ids {
                            mock.users().get_by_id(id).await.unwrap();
                        }
                    })
                }
                _ => {
                    let client = user::client::Client::from_builder(
                        ClientBuilder::new("http://127.0.0.1:9").with_replay(loaded.session()),
                    );
                    rt.block_on(async {
                        for id in &ids {
                            client.users().get_by_id(id).await.unwrap();
                        }
                    })
                }
            }
            let t = (thread_cpu_ns() - cpu, wall.elapsed().as_nanos() as u64);
            if round > 0 {
                match which {
                    "mock" => mock.push(t),
                    _ => replay.push(t),
                }
            }
        }
    }
    if only.is_some() {
        let (t, name) = match only.as_deref() {
            Some("mock") => (mock.median(n), "mock"),
            _ => (replay.median(n), "replay"),
        };
        println!(
            "{name}: {:.1} ns per call (CPU of the thread) / {:.1} (wall)",
            t.0, t.1
        );
        return;
    }
    let (m, r) = (mock.median(n), replay.median(n));
    println!("{rounds} rounds of {n} calls, median ns per call (CPU of the thread / wall)");
    println!("mock     {:>6.1} / {:>6.1}", m.0, m.1);
    println!("replay   {:>6.1} / {:>6.1}", r.0, r.1);
    println!("ratio    {:>6.2}x / {:>5.2}x", r.0 / m.0, r.1 / m.1);
}

#[derive(Default)]
struct Times(Vec<u64>, Vec<u64>);

impl Times {
    fn push(&mut self, (cpu, wall): (u64, u64)) {
        self.0.push(cpu);
        self.1.push(wall);
    }
    fn median(&mut self, n: usize) -> (f64, f64) {
        let mid = |v: &mut Vec<u64>| {
            v.sort_unstable();
            v[v.len() / 2] as f64 / n as f64
        };
        (mid(&mut self.0), mid(&mut self.1))
    }
}

/// The calling thread's CPU time so far, in ns.
fn thread_cpu_ns() -> u64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the struct it is given.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64
}
