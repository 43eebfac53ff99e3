//! Compiles the golden files of Charter's Rust generator (`fixtures/gen/*.rs`) under
//! `#![deny(warnings)]`, so `cargo test --workspace` and `cargo clippy --workspace -- -D warnings`
//! check that generated code builds cleanly. Tests in `tests/` exercise it: JSON round trips, a
//! client/server loopback, and the mock client and factories (`mock.rs`, generated with
//! `Settings::with_mock`, as is `models.rs`).
#![deny(warnings)]

#[rustfmt::skip] // formatted by prettyplease, byte-for-byte as generated
#[path = "../../../fixtures/gen/models.rs"]
pub mod test_gen_models_v0;

#[rustfmt::skip]
#[path = "../../../fixtures/gen/client.rs"]
pub mod test_gen_client_v0;

#[rustfmt::skip]
#[path = "../../../fixtures/gen/personal_data.rs"]
pub mod test_gen_personal_data_v0;

#[rustfmt::skip]
#[path = "../../../fixtures/gen/mock.rs"]
pub mod test_gen_mock_v0;

#[rustfmt::skip]
#[path = "../../../fixtures/gen/orders.rs"]
pub mod test_gen_orders_v0;

#[rustfmt::skip]
#[path = "../../../fixtures/gen/headers.rs"]
pub mod test_gen_headers_v0;

// A repo of two specs (`fixtures/gen/validation/`): `shop` imports `common`, which sits beside it
// at the crate root, as the generator's default `root_path` (`crate`) expects.
#[rustfmt::skip]
#[path = "../../../fixtures/gen/validation/test_gen_common_v0.rs"]
pub mod test_gen_common_v0;

#[rustfmt::skip]
#[path = "../../../fixtures/gen/validation/test_gen_shop_v0.rs"]
pub mod test_gen_shop_v0;
