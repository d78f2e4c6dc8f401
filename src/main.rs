//! The yarc binary: everything lives in the library.

fn main() {
    std::process::exit(yarc::api::cli::main_with_args(std::env::args_os()));
}
