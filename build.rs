//! Embeds the course: every `lessons/*.md` (except README.md) becomes an
//! entry of `lesson::embedded::FILES`, so the binary runs without the repo.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=lessons");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let files = sorted_entries(&dir, |p| {
        p.extension().is_some_and(|x| x == "md") && p.file_name().is_some_and(|n| n != "README.md")
    });
    let mut out = String::from("pub const FILES: &[(&str, &str)] = &[\n");
    for path in &files {
        writeln!(out, "    ({}),", embed(path)).expect("write to a String");
    }
    out.push_str("];\n");
    // Translations: `lessons/LANG/*.md`, as (language, file name, text).
    out.push_str("pub const TRANSLATIONS: &[(&str, &str, &str)] = &[\n");
    let languages = sorted_entries(&dir, |p| p.is_dir());
    for folder in &languages {
        let lang = folder
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 language folder name");
        println!("cargo:rerun-if-changed={}", folder.display());
        let translated = sorted_entries(folder, |p| p.extension().is_some_and(|x| x == "md"));
        for path in &translated {
            writeln!(out, "    ({lang:?}, {}),", embed(path)).expect("write to a String");
        }
    }
    out.push_str("];\n");
    let target =
        Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo")).join("lessons.rs");
    std::fs::write(target, out).expect("write the embedded lesson list");
}

/// `"name.md", include_str!("path")` for a lesson file, which cargo watches.
fn embed(path: &Path) -> String {
    println!("cargo:rerun-if-changed={}", path.display());
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .expect("UTF-8 lesson file name");
    format!("{name:?}, include_str!({:?})", path.display().to_string())
}

/// The paths in `dir` that `keep` accepts, sorted (none if it cannot be read).
fn sorted_entries(
    dir: &std::path::Path,
    keep: impl Fn(&std::path::Path) -> bool,
) -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| keep(p));
    paths.sort();
    paths
}
