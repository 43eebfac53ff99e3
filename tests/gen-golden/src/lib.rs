//! Compiles the golden files of Charter's Rust generator (`fixtures/gen/*.rs`) under
//! `#![deny(warnings)]`, so `cargo test --workspace` and `cargo clippy --workspace -- -D warnings`
//! check that generated code builds cleanly. Tests in `tests/` exercise it: JSON round trips and a
//! client/server loopback.
#![deny(warnings)]

#[rustfmt::skip] // formatted by prettyplease, byte-for-byte as generated
#[path = "../../../fixtures/gen/models.rs"]
pub mod test_gen_models_v0;

#[rustfmt::skip]
#[path = "../../../fixtures/gen/client.rs"]
pub mod test_gen_client_v0;

#[rustfmt::skip]
#[path = "../../../fixtures/gen/mock.rs"]
pub mod test_gen_mock_v0;
