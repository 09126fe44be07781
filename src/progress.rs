//! What the learner has done, kept in the platform's data directory
//! (`SESSIONLAB_DATA_DIR` overrides it): finished steps, where they stopped,
//! and the prompt history.
//!
//! Two windows may share the directory, so every write holds an advisory
//! lock (`progress.lock`), re-reads the file and merges: a lesson's `done`
//! only ever grows. The progress file is replaced atomically (a temporary
//! file, fsync, rename, fsync of the directory); the history is appended to
//! in batches and compacted when it grows past its cap. A file that cannot
//! be read is moved aside, never lost.
//!
//! Version 2 of the file adds each lesson's `steps` (the report card, see
//! `classroom::report`); a version 1 file, without them, still loads.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::files::read_capped;

/// The environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "SESSIONLAB_DATA_DIR";
/// Lines of prompt history kept.
pub const HISTORY_LINES: usize = 500;
/// The largest progress file read.
const PROGRESS_BYTES: u64 = 1 << 20;
/// The largest history file read; past it, the history is started afresh.
const HISTORY_BYTES: u64 = 4 << 20;
/// The longest history line kept.
const HISTORY_LINE_BYTES: usize = 4096;

/// The directory sessionlab keeps its files in.
pub fn data_dir() -> Option<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::data_dir().map(|d| d.join("sessionlab")),
    }
}

/// The progress file's format version this build writes.
pub const PROGRESS_VERSION: u32 = 2;

/// One lesson's progress.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonProgress {
    /// How many steps are finished (the learner resumes at this step).
    pub done: usize,
    pub finished: bool,
    /// The report card, step by step (version 2; absent from older files).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<crate::classroom::report::StepRecord>,
}

impl LessonProgress {
    /// The step to resume a lesson of `steps` steps at: the first
    /// unfinished one, or the start once the lesson is finished.
    pub fn resume_at(&self, steps: usize) -> usize {
        if self.finished && self.done >= steps {
            0
        } else {
            self.done
        }
    }
}

/// The progress file's content.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The format version (absent, read as 0, in version 1 files).
    #[serde(default)]
    pub version: u32,
    pub lessons: BTreeMap<String, LessonProgress>,
    /// The lesson opened last.
    pub last: Option<String>,
}

impl Progress {
    /// A lesson's progress (empty if the learner has not started it).
    pub fn lesson(&self, id: &str) -> LessonProgress {
        self.lessons.get(id).cloned().unwrap_or_default()
    }

    /// Take in what another window (or machine) saved: the larger `done`,
    /// either `finished`, each step's records merged.
    pub fn merge(&mut self, other: Progress) {
        for (id, theirs) in other.lessons {
            let ours = self.lessons.entry(id).or_default();
            ours.done = ours.done.max(theirs.done);
            ours.finished |= theirs.finished;
            crate::classroom::report::merge_steps(&mut ours.steps, &theirs.steps);
        }
        if self.last.is_none() {
            self.last = other.last;
        }
    }
}

/// The progress and where it lives.
#[derive(Debug, Default)]
pub struct Store {
    pub dir: Option<PathBuf>,
    pub progress: Progress,
    /// History lines typed since the last flush.
    pending_history: Vec<String>,
    /// The last failure reported, so that a full disk is reported once,
    /// not on every save.
    reported: Option<String>,
}

impl Store {
    /// A store that writes to `dir` and starts from nothing (for tests).
    pub fn in_dir(dir: Option<PathBuf>) -> Self {
        Self {
            dir,
            ..Self::default()
        }
    }

    /// Load from `dir`. Messages for the learner (a file moved aside, a
    /// directory that cannot be used) come back beside it.
    pub fn open(dir: Option<PathBuf>) -> (Self, Vec<String>) {
        let mut messages = Vec::new();
        let progress = match &dir {
            Some(dir) => {
                remove_stale_temporaries(dir);
                let (progress, message) = read_progress(&dir.join("progress.json"));
                messages.extend(message);
                progress
            }
            None => {
                messages.push("No data directory found: progress will not be saved.".into());
                Progress::default()
            }
        };
        let store = Self {
            dir,
            progress,
            ..Self::default()
        };
        (store, messages)
    }

    /// A lesson's progress.
    pub fn lesson(&self, id: &str) -> LessonProgress {
        self.progress.lesson(id)
    }

    /// The report-card record of step `step` (0-based) of lesson `id`, to
    /// update; it is saved with the next [`Store::save`].
    pub fn step_mut(&mut self, id: &str, step: usize) -> &mut crate::classroom::report::StepRecord {
        let steps = &mut self
            .progress
            .lessons
            .entry(id.to_string())
            .or_default()
            .steps;
        if steps.len() <= step {
            steps.resize_with(step + 1, Default::default);
        }
        &mut steps[step]
    }

    /// Step `step` (0-based) of lesson `id`, of `total`, met after `seconds`
    /// on it: its report-card record and the lesson's progress, saved.
    pub fn step_met(
        &mut self,
        id: &str,
        step: usize,
        total: usize,
        seconds: u64,
    ) -> Result<(), String> {
        let record = self.step_mut(id, step);
        record.done = true;
        record.seconds += seconds;
        self.record(id, step + 1, total)
    }

    /// Record that `done` steps of `id` (of `total`) are finished, and save.
    /// Progress never goes down: redoing step 1 keeps the steps done before.
    pub fn record(&mut self, id: &str, done: usize, total: usize) -> Result<(), String> {
        let entry = self.progress.lessons.entry(id.to_string()).or_default();
        entry.done = entry.done.max(done.min(total));
        entry.finished |= done >= total;
        self.progress.last = Some(id.to_string());
        self.save()
    }

    /// Merge with what is on disk and write the progress file, under the lock.
    pub fn save(&mut self) -> Result<(), String> {
        let result = self.write_progress();
        self.report_once("Progress", result)
    }

    fn write_progress(&mut self) -> std::io::Result<()> {
        let Some(dir) = self.dir.clone() else {
            return Ok(());
        };
        let _lock = lock(&dir)?;
        let path = dir.join("progress.json");
        if let (on_disk, None) = read_progress(&path) {
            self.progress.merge(on_disk);
        }
        self.progress.version = PROGRESS_VERSION;
        let text = serde_json::to_string_pretty(&self.progress).map_err(std::io::Error::other)?;
        write_atomic(&path, text.as_bytes())
    }

    /// A failure to write `what`, unless it is the one reported last.
    fn report_once(&mut self, what: &str, result: std::io::Result<()>) -> Result<(), String> {
        let Err(e) = result else {
            self.reported = None;
            return Ok(());
        };
        let dir = self.dir.as_deref().unwrap_or(Path::new("."));
        let message = format!("{what} could not be saved in {}: {e}", dir.display());
        if self.reported.as_ref() == Some(&message) {
            return Ok(());
        }
        self.reported = Some(message.clone());
        Err(message)
    }

    /// The prompt history, oldest first (the last [`HISTORY_LINES`]).
    pub fn history(&self) -> Vec<String> {
        let Some(dir) = &self.dir else {
            return Vec::new();
        };
        let bytes = read_tail(&dir.join("history.txt"), HISTORY_BYTES).unwrap_or_default();
        let lines: Vec<String> = String::from_utf8_lossy(&bytes)
            .lines()
            .filter(|l| !l.trim().is_empty() && l.len() <= HISTORY_LINE_BYTES)
            .map(str::to_string)
            .collect();
        let skip = lines.len().saturating_sub(HISTORY_LINES);
        lines.into_iter().skip(skip).collect()
    }

    /// Remember a line for the history file (written by [`Store::flush_history`]).
    pub fn add_history(&mut self, line: &str) {
        if line.len() <= HISTORY_LINE_BYTES && !line.contains('\n') {
            self.pending_history.push(line.to_string());
        }
    }

    /// Whether history lines wait to be written.
    pub fn history_pending(&self) -> bool {
        !self.pending_history.is_empty()
    }

    /// Append the lines typed since the last flush to the history file,
    /// under the lock, keeping the last [`HISTORY_LINES`] of every window's.
    pub fn flush_history(&mut self) -> Result<(), String> {
        let result = self.append_history();
        // Lines that cannot be written wait for the next try, but no more
        // of them than the history keeps.
        let excess = self.pending_history.len().saturating_sub(HISTORY_LINES);
        self.pending_history.drain(..excess);
        self.report_once("History", result)
    }

    fn append_history(&mut self) -> std::io::Result<()> {
        let Some(dir) = self.dir.clone() else {
            self.pending_history.clear();
            return Ok(());
        };
        if self.pending_history.is_empty() {
            return Ok(());
        }
        let _lock = lock(&dir)?;
        let path = dir.join("history.txt");
        let mut text = self.pending_history.join("\n");
        text.push('\n');
        let mut file = OpenOptions::new().create(true).append(true).open(&path)?;
        file.write_all(text.as_bytes())?;
        self.pending_history.clear();
        // Compact once the file holds twice the lines kept.
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        drop(file);
        if size > HISTORY_BYTES / 2 || self.history_lines_on_disk() > 2 * HISTORY_LINES {
            let mut kept = self.history().join("\n");
            kept.push('\n');
            write_atomic(&path, kept.as_bytes())?;
        }
        Ok(())
    }

    fn history_lines_on_disk(&self) -> usize {
        self.dir
            .as_ref()
            .and_then(|dir| read_capped(&dir.join("history.txt"), HISTORY_BYTES).ok())
            .map_or(0, |bytes| bytes.iter().filter(|b| **b == b'\n').count())
    }
}

/// The last `cap` bytes of a regular file (a history grown past its cap
/// keeps its newest lines), from the start of a line.
fn read_tail(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Seek as _, SeekFrom};
    let mut file = crate::files::open_regular(path)?;
    let len = file.metadata()?.len();
    if len <= cap {
        return crate::files::read_open_capped(&file, cap);
    }
    file.seek(SeekFrom::Start(len - cap))?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(&file, cap), &mut bytes)?;
    let first_line = bytes
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |i| i + 1);
    bytes.drain(..first_line);
    Ok(bytes)
}

/// Read the progress file: afresh when it is missing; moved aside (with a
/// message) when it cannot be read.
fn read_progress(path: &Path) -> (Progress, Option<String>) {
    match read_capped(path, PROGRESS_BYTES) {
        Ok(bytes) => match serde_json::from_slice(&bytes) {
            Ok(p) => (p, None),
            Err(e) => (
                Progress::default(),
                Some(move_aside(path, &format!("it could not be read ({e})"))),
            ),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Progress::default(), None),
        Err(e) => (
            Progress::default(),
            Some(format!(
                "Progress could not be read from {}: {e}",
                path.display()
            )),
        ),
    }
}

/// Hold the data directory's advisory lock until the file is dropped.
fn lock(dir: &Path) -> std::io::Result<File> {
    std::fs::create_dir_all(dir)?;
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("progress.lock"))?;
    file.lock()?;
    Ok(file)
}

/// Remove temporary files left by a window that was killed mid-write.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.rsplit_once(".tmp-"))
            .and_then(|(_, pid)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
        if !alive {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Write `path` by writing a temporary file beside it and renaming it over,
/// then make the rename itself durable.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        File::open(parent)?.sync_all()
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
    fn done_never_goes_down_and_other_windows_are_merged() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, _) = Store::open(Some(dir.path().to_path_buf()));
        let (mut b, _) = Store::open(Some(dir.path().to_path_buf()));
        a.record("one", 4, 7).unwrap();
        b.record("two", 1, 5).unwrap();
        a.record("one", 1, 7).unwrap();
        let (again, _) = Store::open(Some(dir.path().to_path_buf()));
        assert_eq!(again.lesson("one").done, 4);
        assert_eq!(again.lesson("two").done, 1);
    }

    #[test]
    fn history_is_appended_capped_and_stale_temporaries_go() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("history.tmp-999999999"), "x").unwrap();
        let (mut a, _) = Store::open(Some(dir.path().to_path_buf()));
        assert!(!dir.path().join("history.tmp-999999999").exists());
        let (mut b, _) = Store::open(Some(dir.path().to_path_buf()));
        a.add_history("from a");
        b.add_history("from b");
        a.flush_history().unwrap();
        b.flush_history().unwrap();
        assert_eq!(a.history(), vec!["from a", "from b"]);
        for i in 0..3 * HISTORY_LINES {
            a.add_history(&format!("line {i}"));
        }
        a.flush_history().unwrap();
        let history = a.history();
        assert_eq!(history.len(), HISTORY_LINES);
        assert_eq!(
            history.last().unwrap(),
            &format!("line {}", 3 * HISTORY_LINES - 1)
        );
    }

    #[test]
    fn a_failure_to_save_is_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the data directory should be: nothing can be written.
        let blocked = dir.path().join("blocked");
        std::fs::write(&blocked, "").unwrap();
        let mut store = Store::in_dir(Some(blocked));
        store.add_history("a");
        assert!(store.flush_history().is_err());
        store.add_history("b");
        assert!(
            store.flush_history().is_ok(),
            "the same failure again is not news"
        );
        assert!(store.record("x", 1, 2).is_err());
    }

    #[test]
    fn a_huge_history_file_keeps_its_newest_lines() {
        let dir = tempfile::tempdir().unwrap();
        let line = "x".repeat(1000);
        let mut text = String::new();
        for i in 0..10_000 {
            text.push_str(&format!("{i} {line}\n"));
        }
        std::fs::write(dir.path().join("history.txt"), text).unwrap();
        let (store, _) = Store::open(Some(dir.path().to_path_buf()));
        let history = store.history();
        assert_eq!(history.len(), HISTORY_LINES);
        assert!(history.last().unwrap().starts_with("9999 "));
    }

    #[test]
    fn a_fifo_in_place_of_the_progress_file_does_not_hang() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("progress.json");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let (store, messages) = Store::open(Some(dir.path().to_path_buf()));
        assert_eq!(store.progress, Progress::default());
        assert!(messages[0].contains("not a regular file"), "{messages:?}");
    }

    #[test]
    fn saves_and_reloads() {
        let dir = temp_dir("reload");
        let (mut store, messages) = Store::open(Some(dir.clone()));
        assert!(messages.is_empty());
        store.record("intro", 2, 3).unwrap();
        store.add_history("a");
        store.add_history("b");
        store.flush_history().unwrap();
        let (again, _) = Store::open(Some(dir.clone()));
        assert_eq!(
            again.lesson("intro"),
            LessonProgress {
                done: 2,
                finished: false,
                steps: Vec::new(),
            }
        );
        assert_eq!(again.progress.last.as_deref(), Some("intro"));
        assert_eq!(again.history(), vec!["a", "b"]);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_version_1_file_loads_and_is_written_as_version_2() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("progress.json"),
            r#"{"lessons": {"intro": {"done": 2, "finished": false}}, "last": "intro"}"#,
        )
        .unwrap();
        let (mut store, messages) = Store::open(Some(dir.path().to_path_buf()));
        assert!(messages.is_empty(), "{messages:?}");
        assert_eq!(store.lesson("intro").done, 2);
        store.step_mut("intro", 1).attempts += 3;
        store.save().unwrap();
        let text = std::fs::read_to_string(dir.path().join("progress.json")).unwrap();
        assert!(text.contains("\"version\": 2"), "{text}");
        let (again, _) = Store::open(Some(dir.path().to_path_buf()));
        assert_eq!(again.lesson("intro").steps[1].attempts, 3);
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
