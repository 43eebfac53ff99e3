//! The `charter` command: a thin front over the library.

// Spec loading allocates many small strings and JSON nodes; glibc's allocator was a third of
// `charter check`'s CPU time. Only the binary chooses an allocator, never the library.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
