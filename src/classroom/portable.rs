//! Portable progress: `sessionlab progress export FILE` writes the learner's
//! progress for one course to a file another machine can `import`. Importing
//! merges (a step is never lowered) and refuses a file from another course.
//!
//! The format (version 2), JSON:
//!
//! ```json
//! {"format": "sessionlab-progress", "version": 2, "course": "sessionlab",
//!  "student": "ada",
//!  "lessons": {"01-what-is-a-cookie": {"done": 7, "finished": true,
//!    "steps": [{"done": true, "attempts": 2, "hints": 1, "solution": false,
//!               "prediction": {"guess": "b", "right": true}, "seconds": 41}]}}}
//! ```
//!
//! `student` is optional; `steps` may be absent (version 1 progress).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::i18n::trf;
use crate::lesson::Course;
use crate::progress::{LessonProgress, PROGRESS_VERSION, Progress, Store};

/// The `format` tag of an exported file.
pub const FORMAT: &str = "sessionlab-progress";
/// The largest file read.
const MAX_BYTES: u64 = 4 << 20;

/// An exported progress file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exported {
    pub format: String,
    pub version: u32,
    /// The course id (`course.toml`'s `id`, `sessionlab` for the built-in course).
    pub course: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub student: Option<String>,
    pub lessons: BTreeMap<String, LessonProgress>,
}

/// The course's lessons out of `progress`.
pub fn export(course: &Course, progress: &Progress, student: Option<String>) -> Exported {
    Exported {
        format: FORMAT.into(),
        version: PROGRESS_VERSION,
        course: course.info.id.clone(),
        student,
        lessons: course
            .lessons
            .iter()
            .filter_map(|l| Some((l.id.clone(), progress.lessons.get(&l.id)?.clone())))
            .collect(),
    }
}

/// Read a progress file: an exported one, or a data directory's
/// `progress.json` (taken as the course's own), of `course`.
pub fn read(path: &Path, course: &Course) -> Result<Exported, String> {
    let name = path.display();
    let bytes = crate::files::read_capped(path, MAX_BYTES)
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{name} is not a progress file (not JSON: {e})"))?;
    if value.get("format").is_none() {
        let progress: Progress = serde_json::from_value(value)
            .map_err(|e| format!("{name} is not a progress file: {e}"))?;
        return Ok(export(course, &progress, None));
    }
    let exported: Exported =
        serde_json::from_value(value).map_err(|e| format!("{name} is not a progress file: {e}"))?;
    if exported.format != FORMAT {
        return Err(format!(
            "{name} is a '{}' file, not '{FORMAT}'",
            exported.format
        ));
    }
    if exported.version > PROGRESS_VERSION {
        return Err(format!(
            "{name} was written by a newer sessionlab (format version {}; this one reads up to {PROGRESS_VERSION}): update sessionlab",
            exported.version
        ));
    }
    same_course(path, &exported, course)?;
    Ok(exported)
}

/// Check that an exported file belongs to `course`.
fn same_course(path: &Path, exported: &Exported, course: &Course) -> Result<(), String> {
    if exported.course == course.info.id {
        Ok(())
    } else {
        Err(trf(
            "import.other-course",
            &[
                &path.display().to_string(),
                &exported.course,
                &course.info.id,
            ],
        ))
    }
}

/// Merge the file at `path` into the store and save it; the number of lessons
/// it held comes back.
pub fn import(path: &Path, course: &Course, store: &mut Store) -> Result<usize, String> {
    let exported = read(path, course)?;
    let n = exported.lessons.len();
    store.progress.merge(Progress {
        version: exported.version,
        lessons: exported.lessons,
        last: None,
    });
    store.save()?;
    Ok(n)
}
