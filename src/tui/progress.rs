//! What the learner has done, kept in the platform's data directory
//! (`SESSIONLAB_DATA_DIR` overrides it): finished steps, where they stopped,
//! and the prompt history. Files are written atomically (a temporary file,
//! then a rename); a file that cannot be read is moved aside, never lost.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "SESSIONLAB_DATA_DIR";

/// The directory sessionlab keeps its files in.
pub fn data_dir() -> Option<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::data_dir().map(|d| d.join("sessionlab")),
    }
}

/// One lesson's progress.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonProgress {
    /// How many steps are finished (the learner resumes at this step).
    pub done: usize,
    pub finished: bool,
}

/// The progress file's content.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub lessons: BTreeMap<String, LessonProgress>,
    /// The lesson opened last.
    pub last: Option<String>,
}

/// The progress and where it lives.
#[derive(Debug, Default)]
pub struct Store {
    pub dir: Option<PathBuf>,
    pub progress: Progress,
}

impl Store {
    /// Load from `dir`. Messages for the learner (a file moved aside, a
    /// directory that cannot be used) come back beside it.
    pub fn open(dir: Option<PathBuf>) -> (Self, Vec<String>) {
        let mut messages = Vec::new();
        let progress = match &dir {
            Some(dir) => {
                let path = dir.join("progress.json");
                match std::fs::read(&path) {
                    Ok(bytes) => match serde_json::from_slice(&bytes) {
                        Ok(p) => p,
                        Err(e) => {
                            messages
                                .push(move_aside(&path, &format!("it could not be read ({e})")));
                            Progress::default()
                        }
                    },
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Progress::default(),
                    Err(e) => {
                        messages.push(format!(
                            "Progress could not be read from {}: {e}",
                            path.display()
                        ));
                        Progress::default()
                    }
                }
            }
            None => {
                messages.push("No data directory found: progress will not be saved.".into());
                Progress::default()
            }
        };
        (Self { dir, progress }, messages)
    }

    /// A lesson's progress.
    pub fn lesson(&self, id: &str) -> LessonProgress {
        self.progress.lessons.get(id).cloned().unwrap_or_default()
    }

    /// Record that `done` steps of `id` (of `total`) are finished, and save.
    pub fn record(&mut self, id: &str, done: usize, total: usize) -> Result<(), String> {
        let entry = self.progress.lessons.entry(id.to_string()).or_default();
        entry.done = done.min(total);
        entry.finished |= done >= total;
        self.progress.last = Some(id.to_string());
        self.save()
    }

    /// Write the progress file atomically.
    pub fn save(&self) -> Result<(), String> {
        let Some(dir) = &self.dir else { return Ok(()) };
        let text = serde_json::to_string_pretty(&self.progress).map_err(|e| e.to_string())?;
        write_atomic(&dir.join("progress.json"), text.as_bytes())
            .map_err(|e| format!("Progress could not be saved in {}: {e}", dir.display()))
    }

    /// The prompt history, oldest first.
    pub fn history(&self) -> Vec<String> {
        let Some(dir) = &self.dir else {
            return Vec::new();
        };
        std::fs::read_to_string(dir.join("history.txt"))
            .map(|text| {
                text.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Save the prompt history.
    pub fn save_history(&self, lines: &[String]) -> Result<(), String> {
        let Some(dir) = &self.dir else { return Ok(()) };
        let mut text = lines.join("\n");
        text.push('\n');
        write_atomic(&dir.join("history.txt"), text.as_bytes())
            .map_err(|e| format!("History could not be saved in {}: {e}", dir.display()))
    }
}

/// Write `path` by writing a temporary file beside it and renaming it over.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Rename an unreadable file to `NAME.corrupt-N` and say so.
fn move_aside(path: &Path, why: &str) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let target = (1..)
        .map(|n| path.with_file_name(format!("{name}.corrupt-{n}")))
        .find(|p| !p.exists())
        .expect("some name is free");
    match std::fs::rename(path, &target) {
        Ok(()) => format!(
            "Progress file {} was moved to {}: {why}. Starting afresh.",
            path.display(),
            target.display()
        ),
        Err(e) => format!(
            "Progress file {} {why}, and could not be moved aside: {e}",
            path.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("sessionlab-progress-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn saves_and_reloads() {
        let dir = temp_dir("reload");
        let (mut store, messages) = Store::open(Some(dir.clone()));
        assert!(messages.is_empty());
        store.record("intro", 2, 3).unwrap();
        store.save_history(&["a".into(), "b".into()]).unwrap();
        let (again, _) = Store::open(Some(dir.clone()));
        assert_eq!(
            again.lesson("intro"),
            LessonProgress {
                done: 2,
                finished: false
            }
        );
        assert_eq!(again.progress.last.as_deref(), Some("intro"));
        assert_eq!(again.history(), vec!["a", "b"]);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn corrupt_file_is_moved_aside() {
        let dir = temp_dir("corrupt");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("progress.json"), "{not json").unwrap();
        let (store, messages) = Store::open(Some(dir.clone()));
        assert_eq!(store.progress, Progress::default());
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].contains("corrupt-1"), "{}", messages[0]);
        assert_eq!(
            std::fs::read_to_string(dir.join("progress.json.corrupt-1")).unwrap(),
            "{not json"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
