//! Replay against the mock client, and recording against a plain loopback call.
//!
//! - `replay_10k/mock`: 10,000 `get_by_id` calls answered by the generated `MockClient` (a factory
//!   value, no JSON) — the baseline;
//! - `replay_10k/replay`: the same 10,000 calls through the generated client in replay mode, from
//!   a cassette of 10,000 recorded interactions (one per id), each matched and decoded, in a new
//!   `Replayer` per run;
//! - `replay_10k/replay_session`: the same in a new session of one loaded `Replayer` per run
//!   (`Replayer::session`): each matched, and its typed answer cloned (decoded in the first run);
//! - `loopback/plain` and `loopback/recording`: one `get_by_id` against the generated server on
//!   127.0.0.1, without and with a recorder.
//!
//! `cargo bench -p charter-contracts --bench replay`; figures in bench/README.md.

use charter_contracts::io_charter_user_v0 as user;
use charter_contracts::{fixture, serve, UserStore};
use charter_runtime::client::ClientBuilder;
use charter_runtime::record::{Recorder, Replayer};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::time::{Duration, Instant};
use user::client::UsersApi as _;

const N: usize = 10_000;

fn replay(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ids: Vec<String> = (0..N).map(|i| format!("usr-{i}")).collect();
    let cassette = fixture::users_cassette(N);
    let mut g = c.benchmark_group("replay_10k");
    g.sample_size(10);
    g.bench_function("mock", |b| {
        b.iter(|| {
            let mock = user::mock::MockClient::new();
            rt.block_on(async {
                for id in &ids {
                    mock.users().get_by_id(id).await.unwrap();
                }
            })
        })
    });
    // A fresh replayer per run (every interaction unused, every answer decoded from JSON once),
    // built outside the timing, and dropped outside it too (the routine returns the client): the
    // cassette is loaded once in a real test as well.
    let client = |replayer: Replayer| {
        user::client::Client::from_builder(
            ClientBuilder::new("http://127.0.0.1:9").with_replay(replayer),
        )
    };
    let run = |client: user::client::Client| {
        rt.block_on(async {
            for id in &ids {
                client.users().get_by_id(id).await.unwrap();
            }
        });
        client
    };
    g.bench_function("replay", |b| {
        b.iter_batched(
            || client(Replayer::new(cassette.clone())),
            run,
            BatchSize::PerIteration,
        )
    });
    // A new session per run of a replayer loaded once (`Replayer::session`, e.g. one per test of
    // a suite): matching as above, and answers decoded in an earlier session are cloned.
    let loaded = Replayer::new(cassette.clone());
    g.bench_function("replay_session", |b| {
        b.iter_batched(|| client(loaded.session()), run, BatchSize::PerIteration)
    });
    g.finish();
}

fn recording(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(serve(user::server::router(UserStore::default())));
    let plain = user::client::Client::new(&server.base_url);
    // The example store refuses an email without `@` (a documented 422).
    let mut form = user::factories::user_form();
    form.email = "ada@example.com".to_owned();
    let created = rt.block_on(plain.users().post(&form)).unwrap();
    let recorder = Recorder::in_memory();
    let recording = user::client::Client::from_builder(
        user::client::Client::builder(&server.base_url).with_recorder(recorder.clone()),
    );
    let mut g = c.benchmark_group("loopback");
    g.bench_function("plain", |b| {
        b.iter(|| rt.block_on(plain.users().get_by_id(&created.id)).unwrap())
    });
    g.bench_function("recording", |b| {
        b.iter(|| {
            rt.block_on(recording.users().get_by_id(&created.id))
                .unwrap()
        })
    });
    g.finish();
    assert!(!recorder.is_empty());
    // Criterion measures the two one after the other, and on a shared machine the load changes
    // between them; here they alternate, 20 rounds of 500 calls each, and each side's total
    // over all rounds is compared (printed, not a criterion figure). Each round records into a
    // new recorder, as a test does: the criterion run above leaves hundreds of thousands of
    // interactions in its recorder, and their memory is not the per-call cost.
    let (mut plain_total, mut recording_total) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..20 {
        let recorder = Recorder::in_memory();
        let recording = user::client::Client::from_builder(
            user::client::Client::builder(&server.base_url).with_recorder(recorder.clone()),
        );
        for (client, total) in [
            (&plain, &mut plain_total),
            (&recording, &mut recording_total),
        ] {
            let start = Instant::now();
            for _ in 0..500 {
                rt.block_on(client.users().get_by_id(&created.id)).unwrap();
            }
            *total += start.elapsed();
        }
        assert_eq!(recorder.len(), 500);
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / 10_000.0;
    println!(
        "loopback, interleaved: plain {:.1} µs, recording {:.1} µs per call ({:+.1}%)",
        per(plain_total),
        per(recording_total),
        (per(recording_total) / per(plain_total) - 1.0) * 100.0
    );
}

criterion_group!(benches, replay, recording);
criterion_main!(benches);
