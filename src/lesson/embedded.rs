//! The course compiled into the binary: `(file name, text)` for every
//! `lessons/*.md` except README.md, in file-name order (made by `build.rs`).

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));
