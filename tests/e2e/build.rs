//! `organization` and `order` come from build.rs; the `common` and `user` services they import are
//! the ones the derive macro generates in `src/lib.rs` (mapped with `crate_path`).
fn main() -> Result<(), charter::build::Error> {
    charter::Builder::new()
        .spec("../../specs/organization.json")
        .spec("../../specs/order.json")
        .client()
        .server()
        .mock()
        .root_path("crate::built")
        .crate_path("io.charter.common.v0", "crate::io_charter_common_v0")
        .crate_path("io.charter.user.v0", "crate::io_charter_user_v0")
        .generate()
}
