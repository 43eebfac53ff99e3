//! The example repo's `user`, `organization` and `order` services (and `common`, which they
//! import) with their `events` modules.
fn main() -> Result<(), charter::build::Error> {
    charter::Builder::new()
        .spec("../../specs/user.json")
        .spec("../../specs/organization.json")
        .spec("../../specs/order.json")
        .events()
        .generate()
}
