//! A second baseline for `bench/run`: [`parse_only`](parse_only.rs) with the allocator the
//! `charter` binary uses, so the allocator's share of the ratio is visible.

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: parse_only_mimalloc FILE");
    let bytes = std::fs::read(&path).expect("read");
    let v: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    std::hint::black_box(v);
}
