//! Every scenario in `tests/scenarios/` runs through the simulation and its
//! transcript equals the one recorded from real Django 5.2.19, field by field.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sessionlab::scenario::Scenario;
use sessionlab::transcript::JsonTranscript;

fn scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/scenarios exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

/// The transcript sessionlab writes for a scenario file.
fn transcript(path: &Path) -> Vec<String> {
    let scenario =
        Scenario::parse(&std::fs::read(path).expect("readable scenario")).expect("valid scenario");
    let mut lines = Vec::new();
    let mut writer = JsonTranscript::new();
    scenario.run(0, |number, step, runner| {
        let server = &runner.world.server;
        lines.push(writer.line(number, step, server));
    });
    lines
}

#[test]
fn every_scenario_matches_its_django_recording() {
    let files = scenarios();
    assert!(files.len() >= 16, "the reference scenarios are missing");
    let mut failures = Vec::new();
    for path in &files {
        let golden_path = path.with_extension("jsonl");
        let golden = std::fs::read_to_string(&golden_path).unwrap_or_else(|_| {
            panic!(
                "{} has no recorded {}",
                path.display(),
                golden_path.display()
            )
        });
        let expected: Vec<Value> = golden
            .lines()
            .map(|l| serde_json::from_str(l).expect("golden JSON"))
            .collect();
        let actual: Vec<Value> = transcript(path)
            .iter()
            .map(|l| serde_json::from_str(l).expect("our JSON"))
            .collect();
        let name = path.file_name().unwrap().to_string_lossy();
        if expected.len() != actual.len() {
            failures.push(format!(
                "{name}: {} lines recorded, {} produced",
                expected.len(),
                actual.len()
            ));
            continue;
        }
        for (want, got) in expected.iter().zip(&actual) {
            if want != got {
                let fields: Vec<String> = [
                    "line",
                    "input",
                    "outcome",
                    "browser",
                    "request",
                    "set_cookies",
                    "jar",
                    "store",
                ]
                .iter()
                .filter(|f| want.get(**f) != got.get(**f))
                .map(|f| {
                    format!(
                        "  {f}: recorded {} / produced {}",
                        want.get(*f).unwrap_or(&Value::Null),
                        got.get(*f).unwrap_or(&Value::Null)
                    )
                })
                .collect();
                failures.push(format!(
                    "{name} line {}:\n{}",
                    want["line"],
                    fields.join("\n")
                ));
                break;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} scenario(s) differ from Django:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_reference_scenarios_are_kept_verbatim() {
    // The 16 reference scenarios recorded for the spec are part of the suite.
    for n in 1..=16 {
        let prefix = format!("{n:02}-");
        assert!(
            scenarios().iter().any(|p| p
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&prefix)),
            "reference scenario {prefix} is missing from tests/scenarios"
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_transcript_and_another_seed_other_keys() {
    let path = scenarios()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("15-two-browsers"))
        .unwrap();
    let scenario = Scenario::parse(&std::fs::read(&path).unwrap()).unwrap();
    let keys = |seed| {
        let mut keys = Vec::new();
        scenario.run(seed, |_, _, runner| {
            keys = runner.world.server.created_keys.clone()
        });
        keys
    };
    assert_eq!(keys(1), keys(1));
    assert_ne!(keys(1), keys(2));
    assert!(keys(1).iter().all(|k| k.len() == 32));
}
