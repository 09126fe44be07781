//! Reading files that someone else may have put there (a teacher's lesson
//! folder, a data directory): regular files only, never a FIFO or a device,
//! and never more than a cap, checked on the opened file and by the read.

use std::fs::{File, OpenOptions};
use std::io::{self, Read as _};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::Path;

/// The whole of the regular file at `path`, if it holds at most `cap` bytes.
pub fn read_capped(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    read_open_capped(&open_regular(path)?, cap)
}

/// The regular file at `path`, opened for reading; a FIFO or a device is an
/// error, and opening never waits for a writer.
pub fn open_regular(path: &Path) -> io::Result<File> {
    // Opening a FIFO for reading waits for a writer: look before opening
    // (and open without waiting, should it be swapped in between).
    if !std::fs::metadata(path)?.is_file() {
        return Err(not_regular());
    }
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// The rest of an opened regular file, if it holds at most `cap` bytes.
pub fn read_open_capped(file: &File, cap: u64) -> io::Result<Vec<u8>> {
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    if meta.len() > cap {
        return Err(too_large(cap));
    }
    let mut bytes = Vec::new();
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_large(cap));
    }
    Ok(bytes)
}

fn not_regular() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "not a regular file")
}

fn too_large(cap: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("larger than {} KB", cap / 1024),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_under_the_cap_only() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small");
        std::fs::write(&small, "hello").unwrap();
        assert_eq!(read_capped(&small, 5).unwrap(), b"hello");
        assert!(read_capped(&small, 4).is_err());
        assert!(read_capped(dir.path(), 100).is_err());
        assert!(read_capped(Path::new("/dev/zero"), 100).is_err());
    }
}
