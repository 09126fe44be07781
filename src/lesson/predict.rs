//! Predict, then observe: a step's ```` ```predict ```` block asks the learner
//! what will happen before they run the step's command. The answer is a
//! choice key (`b`) or a Python value typed at the prompt (`['apple']`); it is
//! recorded, never blocks, and the step's `### If you predicted ...` section
//! for that answer is shown with the explanation. `check` proves the correct
//! answer: the block's `proof:` conditions must hold after the solution.
//!
//! The block (documented in `lessons/README.md`):
//!
//! ````text
//! ```predict
//! What does the session hold on the next request?
//! a) ['apple', 'pear']
//! b) ['apple']
//! answer: b
//! proof: session has cart = ['apple']
//! ```
//! ````

use std::collections::BTreeMap;

use super::goal::{Condition, literal_value};
use crate::i18n::trf;
use crate::sim::value::{Value, py_eq};

/// A parsed ```` ```predict ```` block.
#[derive(Clone, Debug)]
pub struct Predict {
    /// The question, Markdown.
    pub question: String,
    /// `(key, text)` for a multiple-choice question; empty for a typed value.
    pub choices: Vec<(String, String)>,
    pub answer: Answer,
    /// Conditions that hold after the step's solution exactly when the answer is right.
    pub proof: Vec<Condition>,
    /// The block's opening fence.
    pub line: usize,
}

/// The correct answer.
#[derive(Clone, Debug)]
pub enum Answer {
    /// The key of a choice.
    Choice(String),
    /// A Python value, compared with `==`.
    Value(Value),
}

/// What the learner predicted.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// The choice key, or the value's `repr()`.
    pub guess: String,
    pub right: bool,
}

/// The feedback keys a step may have besides choice keys.
pub const RIGHT: &str = "right";
pub const WRONG: &str = "wrong";

impl Predict {
    /// Read a block's lines (after the opening fence). Errors are
    /// `(line, column, message)`.
    pub fn parse(
        fence_line: usize,
        lines: &[(usize, String)],
    ) -> Result<Predict, Vec<(usize, usize, String)>> {
        let mut errors = Vec::new();
        let mut question = Vec::new();
        let mut choices: Vec<(String, String)> = Vec::new();
        let mut answer_text: Option<(usize, String)> = None;
        let mut proof = Vec::new();
        for (line_no, text) in lines {
            let trimmed = text.trim();
            let lead = text.len() - text.trim_start().len();
            if let Some(rest) = trimmed.strip_prefix("answer:") {
                if answer_text.is_some() {
                    errors.push((*line_no, 1, "a second `answer:` line: keep one".into()));
                }
                answer_text = Some((*line_no, rest.trim().to_string()));
            } else if let Some(rest) = trimmed.strip_prefix("proof:") {
                let col = lead + "proof:".len() + 1 + (rest.len() - rest.trim_start().len());
                match Condition::parse(rest.trim(), *line_no) {
                    Ok(c) => proof.push(c),
                    Err(e) => errors.push((*line_no, col + e.col - 1, e.message)),
                }
            } else if let Some((key, choice)) = choice_line(trimmed) {
                if choices.iter().any(|(k, _)| *k == key) {
                    errors.push((*line_no, lead + 1, format!("a second choice '{key}'")));
                }
                choices.push((key, choice));
            } else if choices.is_empty() {
                question.push(text.clone());
            } else if !trimmed.is_empty() {
                errors.push((
                    *line_no,
                    lead + 1,
                    "after the choices come only `answer:` and `proof:` lines".into(),
                ));
            }
        }
        let question = question.join("\n").trim().to_string();
        if question.is_empty() {
            errors.push((
                fence_line,
                1,
                "this ```predict block has no question: write it on the first lines".into(),
            ));
        }
        if proof.is_empty() {
            errors.push((fence_line, 1, "this ```predict block has no `proof:` line: add a goal condition that holds after the solution exactly when the answer is right".into()));
        }
        let answer = match answer_text {
            None => {
                errors.push((fence_line, 1, "this ```predict block has no `answer:` line: name the right choice, or give the Python value".into()));
                None
            }
            Some((line_no, text)) if !choices.is_empty() => {
                if choices.iter().any(|(k, _)| *k == text) {
                    Some(Answer::Choice(text))
                } else {
                    errors.push((
                        line_no,
                        1,
                        format!(
                            "the answer '{text}' is not one of the choices ({})",
                            keys(&choices)
                        ),
                    ));
                    None
                }
            }
            Some((line_no, text)) => match literal_value(&text) {
                Some(v) => Some(Answer::Value(v)),
                None => {
                    errors.push((line_no, 1, format!("the answer '{text}' is not a Python value; with no choices the learner types a value ('Ada', 3, ['apple'], None)")));
                    None
                }
            },
        };
        match answer {
            Some(answer) if errors.is_empty() => Ok(Predict {
                question,
                choices,
                answer,
                proof,
                line: fence_line,
            }),
            _ => Err(errors),
        }
    }

    /// Judge what the learner typed; `Err` says how to answer.
    pub fn judge(&self, input: &str) -> Result<Prediction, String> {
        let input = input.trim();
        match &self.answer {
            Answer::Choice(right) => {
                let key = input.trim_end_matches(')').to_lowercase();
                if self.choices.iter().any(|(k, _)| *k == key) {
                    Ok(Prediction {
                        right: key == *right,
                        guess: key,
                    })
                } else {
                    Err(format!(
                        "Predict first: answer {} (Enter on an empty prompt skips).",
                        keys(&self.choices)
                    ))
                }
            }
            Answer::Value(right) => match literal_value(input) {
                Some(v) => Ok(Prediction {
                    right: py_eq(&v, right) && v.type_name() == right.type_name(),
                    guess: v.repr(),
                }),
                None => Err("Predict first: type a Python value, e.g. 'Ada', 3, ['apple'] or None (Enter on an empty prompt skips).".into()),
            },
        }
    }

    /// The right answer as the solution key shows it: `b) ['apple']` or `['apple']`.
    pub fn answer_text(&self) -> String {
        match &self.answer {
            Answer::Choice(key) => {
                let text = self
                    .choices
                    .iter()
                    .find(|(k, _)| k == key)
                    .map_or("", |(_, t)| t.as_str());
                format!("{key}) {text}")
            }
            Answer::Value(v) => v.repr(),
        }
    }

    /// The feedback keys that must exist: every wrong choice (or `wrong`).
    pub fn missing_feedback(&self, feedback: &BTreeMap<String, String>) -> Vec<String> {
        if feedback.contains_key(WRONG) {
            return Vec::new();
        }
        match &self.answer {
            Answer::Choice(right) => self
                .choices
                .iter()
                .filter(|(k, _)| k != right && !feedback.contains_key(k))
                .map(|(k, _)| k.clone())
                .collect(),
            Answer::Value(_) => vec![WRONG.to_string()],
        }
    }

    /// The keys a `### If you predicted KEY` section may use.
    pub fn knows_key(&self, key: &str) -> bool {
        key == RIGHT || key == WRONG || self.choices.iter().any(|(k, _)| k == key)
    }
}

/// The section of feedback that speaks to a prediction: the one for its
/// choice, else `right` / `wrong`.
pub fn feedback_for<'a>(
    feedback: &'a BTreeMap<String, String>,
    prediction: &Prediction,
) -> Option<&'a str> {
    feedback
        .get(&prediction.guess)
        .or_else(|| feedback.get(if prediction.right { RIGHT } else { WRONG }))
        .map(String::as_str)
}

/// Where the learner stands with a step's question.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Asked {
    /// Not answered yet: the prompt takes the answer.
    #[default]
    Open,
    /// Enter on an empty prompt: no prediction.
    Skipped,
    Answered(Prediction),
}

impl Asked {
    /// Offer a line typed at the prompt to the step's open question. `None`:
    /// there is no open question, so the line is a command. `Some(note)`:
    /// the line was the answer (or not a valid one); show the note.
    pub fn take(&mut self, predict: Option<&Predict>, line: &str) -> Option<String> {
        let predict = predict.filter(|_| *self == Asked::Open)?;
        if line.trim().is_empty() {
            *self = Asked::Skipped;
            return Some("No prediction this time. Now run the step.".into());
        }
        match predict.judge(line) {
            Ok(p) => {
                let note = format!("You predicted {}. Now run the step and see.", p.guess);
                *self = Asked::Answered(p);
                Some(note)
            }
            Err(how) => Some(how),
        }
    }

    /// What the lesson pane says under the question.
    pub fn status(&self, predict: &Predict) -> String {
        match self {
            Asked::Open if predict.choices.is_empty() => {
                "Type your prediction (a Python value) at the prompt; Enter skips.".into()
            }
            Asked::Open => format!(
                "Type your prediction ({}) at the prompt; Enter skips.",
                keys(&predict.choices)
            ),
            Asked::Skipped => "No prediction.".into(),
            Asked::Answered(p) => trf("plain.predicted", &[&p.guess]),
        }
    }

    /// Once the goal is met: the verdict and the feedback for the prediction.
    pub fn verdict<'a>(
        &self,
        predict: &Predict,
        feedback: &'a BTreeMap<String, String>,
    ) -> Option<(String, Option<&'a str>)> {
        let Asked::Answered(p) = self else {
            return None;
        };
        let verdict = if p.right {
            trf("plain.verdict-right", &[&p.guess])
        } else {
            trf("plain.verdict-wrong", &[&p.guess, &predict.answer_text()])
        };
        Some((verdict, feedback_for(feedback, p)))
    }
}

/// `a) text` with a one-character key (a letter or digit).
fn choice_line(line: &str) -> Option<(String, String)> {
    let mut chars = line.chars();
    let key = chars.next().filter(|c| c.is_ascii_alphanumeric())?;
    let rest = chars.as_str().strip_prefix(')')?;
    if !rest.starts_with(' ') {
        return None;
    }
    Some((
        key.to_ascii_lowercase().to_string(),
        rest.trim().to_string(),
    ))
}

fn keys(choices: &[(String, String)]) -> String {
    let keys: Vec<&str> = choices.iter().map(|(k, _)| k.as_str()).collect();
    match keys.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(usize, String)> {
        text.lines()
            .enumerate()
            .map(|(i, l)| (i + 2, l.to_string()))
            .collect()
    }

    #[test]
    fn a_choice_question_is_judged_by_key() {
        let p = Predict::parse(
            1,
            &lines("What is kept?\na) ['apple', 'pear']\nb) ['apple']\nanswer: b\nproof: session has cart = ['apple']"),
        )
        .unwrap();
        assert_eq!(p.choices.len(), 2);
        assert_eq!(p.answer_text(), "b) ['apple']");
        assert!(p.judge("B").unwrap().right);
        assert!(!p.judge("a)").unwrap().right);
        assert!(p.judge("c").is_err());
        assert_eq!(p.missing_feedback(&BTreeMap::new()), vec!["a".to_string()]);
    }

    #[test]
    fn a_value_question_compares_python_values() {
        let p = Predict::parse(1, &lines("How many?\nanswer: 2\nproof: value 2")).unwrap();
        assert!(p.judge(" 2 ").unwrap().right);
        assert!(!p.judge("'2'").unwrap().right);
        assert!(!p.judge("True").unwrap().right);
        assert!(p.judge("two").is_err());
    }

    #[test]
    fn a_bad_block_says_what_is_missing() {
        let errors = Predict::parse(1, &lines("a) x\nanswer: c")).unwrap_err();
        let text: Vec<&str> = errors.iter().map(|e| e.2.as_str()).collect();
        assert!(text.iter().any(|m| m.contains("no question")), "{text:?}");
        assert!(text.iter().any(|m| m.contains("no `proof:`")), "{text:?}");
        assert!(
            text.iter().any(|m| m.contains("not one of the choices")),
            "{text:?}"
        );
    }
}
