//! The `charter` command: a thin front over the library.

fn main() {
    std::process::exit(charter::cli::main());
}
