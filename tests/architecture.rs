//! The layers stay apart: the simulation (`src/sim/`) and the command
//! language (`src/script/`) never touch the terminal, the file system, the
//! environment or the clock, so every run is reproducible and every limit
//! is theirs to keep.

use std::path::Path;

/// Names that would reach outside the world.
const FORBIDDEN: &[&str] = &[
    "crossterm",
    "ratatui",
    "std::fs",
    "std::env",
    "std::io::stdin",
    "std::process",
    "std::net",
    "std::thread",
    "Instant",
    "SystemTime",
    "signal_hook",
    "rustix",
];

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_simulation_and_the_language_name_no_terminal_file_system_or_clock() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for layer in ["sim", "script"] {
        sources(&root.join(layer), &mut files);
        files.push(root.join(format!("{layer}.rs")));
    }
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for name in FORBIDDEN {
                if code.contains(name) {
                    found.push(format!("{}:{}: {name}", file.display(), i + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "outside the world:\n{}", found.join("\n"));
}
