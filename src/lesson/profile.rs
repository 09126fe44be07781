//! Teacher profiles and the course file: a `course.toml` beside the lessons
//! names the course (so progress from another course is refused), orders the
//! lessons, says which are required, and defines profiles that hide
//! solutions, limit hints, or make an exam (no solutions, no hints,
//! predictions count). `--profile NAME` chooses one; `check` reads the file
//! and names problems as `course.toml:line:column`.
//!
//! ```toml
//! id = "web-101"
//! title = "Web sessions, spring term"
//! order = ["01-what-is-a-cookie", "02-what-is-a-session"]
//! required = ["01-what-is-a-cookie"]
//! profile = "practice"          # the default profile
//!
//! [profiles.exam]
//! exam = true                   # no solutions, no hints, predictions count
//!
//! [profiles.guided]
//! hints = 1                     # one hint a step
//! solutions = false
//! ```

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use serde::Deserialize;

use super::{Course, Finding};
use crate::i18n::{tr, trf};

/// The course file's name, beside the lessons.
pub const COURSE_FILE: &str = "course.toml";
/// The id of the course embedded in the binary.
pub const EMBEDDED_ID: &str = "sessionlab";

/// What the learner may see and what counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    /// The solution may be shown.
    pub solutions: bool,
    /// The most hints a step reveals (`None`: all of them).
    pub hints: Option<usize>,
    /// Right predictions earn points in `grade`.
    pub predictions_count: bool,
}

impl Default for Profile {
    fn default() -> Self {
        Profile::practice()
    }
}

impl Profile {
    /// Everything allowed: the profile without a course file.
    pub fn practice() -> Self {
        Profile {
            name: "practice".into(),
            solutions: true,
            hints: None,
            predictions_count: false,
        }
    }

    /// No solutions, no hints, predictions count.
    pub fn exam() -> Self {
        Profile {
            name: "exam".into(),
            solutions: false,
            hints: Some(0),
            predictions_count: true,
        }
    }

    /// How many of a step's `available` hints may be revealed.
    pub fn hint_limit(&self, available: usize) -> usize {
        self.hints.map_or(available, |h| h.min(available))
    }

    /// The words that say what the profile allows, for the learner.
    pub fn describe(&self) -> String {
        let mut parts = vec![
            if self.solutions {
                tr("profile.solutions").to_string()
            } else {
                tr("profile.solutions-hidden").to_string()
            },
            match self.hints {
                None => tr("profile.hints-all").to_string(),
                Some(n) => trf("profile.hints", &[&n.to_string()]),
            },
        ];
        if self.predictions_count {
            parts.push(tr("profile.predictions-count").to_string());
        }
        trf("profile.active", &[&self.name, &parts.join(", ")])
    }

    /// Whether the learner should be told (any profile but plain practice).
    pub fn is_notable(&self) -> bool {
        *self != Profile::practice()
    }
}

/// What the course file says (or the defaults without one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CourseInfo {
    /// Progress files carry it; importing one from another course is refused.
    pub id: String,
    pub title: String,
    /// The lessons that count for the grade (`None`: all).
    pub required: Option<Vec<String>>,
    /// Every profile: the built-in `practice` and `exam`, then the file's.
    pub profiles: Vec<Profile>,
    /// The profile used without `--profile`.
    pub default_profile: String,
}

impl Default for CourseInfo {
    fn default() -> Self {
        CourseInfo {
            id: EMBEDDED_ID.into(),
            title: "sessionlab".into(),
            required: None,
            profiles: vec![Profile::practice(), Profile::exam()],
            default_profile: "practice".into(),
        }
    }
}

impl CourseInfo {
    /// Whether lesson `id` counts for the grade.
    pub fn is_required(&self, id: &str) -> bool {
        self.required
            .as_ref()
            .is_none_or(|r| r.iter().any(|x| x == id))
    }

    /// The profile called `name`.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CourseToml {
    id: String,
    title: Option<String>,
    order: Option<Vec<String>>,
    required: Option<Vec<String>>,
    profile: Option<String>,
    #[serde(default)]
    profiles: BTreeMap<String, ProfileToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileToml {
    exam: Option<bool>,
    solutions: Option<bool>,
    hints: Option<usize>,
    predictions_count: Option<bool>,
}

/// Read `dir/course.toml`, if there is one, into the course: its id and
/// title, its lesson order (only the lessons it lists, in its order), the
/// required lessons and the profiles.
pub fn attach(course: &mut Course, dir: &Path) -> Result<(), Vec<Finding>> {
    let path = dir.join(COURSE_FILE);
    if !path.is_file() {
        course.info.id = dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| EMBEDDED_ID.into());
        course.info.title.clone_from(&course.info.id);
        return Ok(());
    }
    let name = path.display().to_string();
    let text = crate::files::read_capped(&path, super::MAX_LESSON_BYTES)
        .map_err(|e| vec![Finding::new(&name, 1, 1, format!("cannot read it: {e}"))])
        .and_then(|bytes| {
            String::from_utf8(bytes)
                .map_err(|_| vec![Finding::new(&name, 1, 1, "this is not UTF-8 text")])
        })?;
    let ids: Vec<String> = course.lessons.iter().map(|l| l.id.clone()).collect();
    let (info, order) = parse(&name, &text, &ids)?;
    if let Some(order) = order {
        let mut lessons = std::mem::take(&mut course.lessons);
        course.lessons = order
            .iter()
            .filter_map(|id| {
                let at = lessons.iter().position(|l| l.id == *id)?;
                Some(lessons.remove(at))
            })
            .collect();
    }
    course.profile = info
        .profile(&info.default_profile)
        .cloned()
        .unwrap_or_default();
    course.info = info;
    Ok(())
}

/// Parse a course file's text; `ids` are the lessons beside it.
pub fn parse(
    file: &str,
    text: &str,
    ids: &[String],
) -> Result<(CourseInfo, Option<Vec<String>>), Vec<Finding>> {
    let raw: CourseToml = toml::from_str(text).map_err(|e| {
        let (line, col) = e
            .span()
            .map_or((1, 1), |span| super::load::position(text, span.start));
        let message = e.message().trim().to_string();
        vec![Finding::new(
            file,
            line,
            col,
            format!("{message} (course.toml takes id, title, order, required, profile and [profiles.NAME] tables with exam, solutions, hints, predictions_count)"),
        )]
    })?;
    let mut findings = Vec::new();
    let mut at = |needle: &str, message: String| {
        let (line, col) = text
            .find(needle)
            .map_or((1, 1), |offset| super::load::position(text, offset));
        findings.push(Finding::new(file, line, col, message));
    };
    if raw.id.trim().is_empty() {
        at(
            "id",
            "the course id is empty: give the course a short name, e.g. id = \"web-101\"".into(),
        );
    }
    for (key, list) in [("order", &raw.order), ("required", &raw.required)] {
        for id in list.iter().flatten() {
            if !ids.contains(id) {
                at(
                    &format!("\"{id}\""),
                    format!("{key} names '{id}', but no lesson has that id beside course.toml"),
                );
            }
        }
    }
    if let (Some(order), Some(required)) = (&raw.order, &raw.required) {
        for id in required.iter().filter(|id| !order.contains(id)) {
            at(
                &format!("\"{id}\""),
                format!("'{id}' is required but left out of `order`: add it there"),
            );
        }
    }
    let mut info = CourseInfo {
        id: raw.id.clone(),
        title: raw.title.clone().unwrap_or_else(|| raw.id.clone()),
        required: raw.required.clone(),
        ..CourseInfo::default()
    };
    for (name, p) in &raw.profiles {
        let base = if p.exam.unwrap_or(false) {
            Profile::exam()
        } else {
            Profile::practice()
        };
        let profile = Profile {
            name: name.clone(),
            solutions: p.solutions.unwrap_or(base.solutions),
            hints: p.hints.or(base.hints),
            predictions_count: p.predictions_count.unwrap_or(base.predictions_count),
        };
        info.profiles.retain(|q| q.name != *name);
        info.profiles.push(profile);
    }
    if let Some(default) = &raw.profile {
        if info.profile(default).is_none() {
            at(
                "profile",
                format!(
                    "the default profile '{default}' is not defined; profiles: {}",
                    names(&info)
                ),
            );
        }
        info.default_profile.clone_from(default);
    }
    if findings.is_empty() {
        Ok((info, raw.order))
    } else {
        Err(findings)
    }
}

fn names(info: &CourseInfo) -> String {
    info.profiles
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

static CHOSEN: OnceLock<Option<String>> = OnceLock::new();

/// Remember `--profile NAME` for this run (the first call wins).
pub fn choose(name: Option<String>) {
    let _ = CHOSEN.set(name);
}

/// Switch the course to the profile chosen with [`choose`], if any.
pub fn apply_choice(course: &mut Course) -> Result<(), Vec<Finding>> {
    let Some(Some(name)) = CHOSEN.get() else {
        return Ok(());
    };
    match course.info.profile(name) {
        Some(p) => {
            course.profile = p.clone();
            Ok(())
        }
        None => Err(vec![Finding::new(
            "--profile",
            1,
            1,
            format!(
                "this course has no profile '{name}'; it has: {}",
                names(&course.info)
            ),
        )]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> Vec<String> {
        vec!["a".into(), "b".into()]
    }

    #[test]
    fn a_course_file_orders_requires_and_defines_profiles() {
        let text = "id = \"web\"\norder = [\"b\", \"a\"]\nrequired = [\"b\"]\nprofile = \"exam\"\n\n[profiles.guided]\nhints = 1\nsolutions = false\n";
        let (info, order) = parse("course.toml", text, &ids()).unwrap();
        assert_eq!(order.unwrap(), ["b", "a"]);
        assert!(info.is_required("b") && !info.is_required("a"));
        assert_eq!(info.profile("exam"), Some(&Profile::exam()));
        let guided = info.profile("guided").unwrap();
        assert_eq!((guided.solutions, guided.hint_limit(3)), (false, 1));
    }

    #[test]
    fn problems_are_named_with_their_line() {
        let text = "id = \"web\"\nrequired = [\n  \"a\",\n  \"zz\",\n]\nprofile = \"nope\"\n";
        let findings = parse("c/course.toml", text, &ids()).unwrap_err();
        let shown: Vec<String> = findings.iter().map(ToString::to_string).collect();
        assert!(
            shown[0].starts_with("c/course.toml:4:3: required names 'zz'"),
            "{shown:?}"
        );
        assert!(
            shown[1].starts_with("c/course.toml:6:1: the default profile 'nope'"),
            "{shown:?}"
        );
        let unknown = parse("course.toml", "id = \"x\"\nhide = true\n", &ids()).unwrap_err();
        assert_eq!((unknown[0].line, unknown[0].column), (2, 1), "{unknown:?}");
    }
}
