//! The `charter` command: a thin front over the library.

fn main() {
    // Like other Unix filters, stop quietly when the reader of our output goes away
    // (`charter trace | head`) instead of panicking in `println!` on a broken pipe.
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any thread exists; it only resets the
    // disposition of SIGPIPE to the default (terminate), which Rust's runtime set to ignore.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::process::exit(charter::cli::main());
}
