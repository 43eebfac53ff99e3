//! `organization` and `order` from build.rs, their imports mapped to the derive macro's modules.
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
