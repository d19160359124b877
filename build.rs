//! Rebuilds the binary when a file is added to `locales/` or `memories/`, which are built in
//! (`include_dir` tracks the files it saw, not the files that appear later).

fn main() {
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=memories");
}
