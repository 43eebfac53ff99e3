//! The baseline for `bench/run`: a process that only parses a file into `serde_json::Value`.

fn main() {
    let path = std::env::args().nth(1).expect("usage: parse_only FILE");
    let bytes = std::fs::read(&path).expect("read");
    let v: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    std::hint::black_box(v);
}
