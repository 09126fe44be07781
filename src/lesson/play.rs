//! A lesson being played: where the learner is, the hints shown, the
//! prediction, and whether the step's goal is met. The interactive app,
//! presenter mode and `check` all go through it, so they cannot disagree
//! about "goal met", and the rules of the step flow live here, not in a
//! front end: a goal once met stays met until the learner moves on; Enter
//! on an unmet goal says what is missing.

use super::predict::Asked;
use super::profile::Profile;
use super::{ConditionStatus, Lesson};
use crate::runner::{Runner, Step};

/// Where the learner is in a lesson.
#[derive(Clone, Debug)]
pub struct Playthrough {
    /// The lesson's position in the course.
    pub lesson: usize,
    pub step: usize,
    pub hints: usize,
    pub solution_shown: bool,
    pub conditions: Vec<ConditionStatus>,
    /// The step's goal was met (and stays so until the learner moves on).
    pub met: bool,
    /// The world as the step began (for reset).
    pub start: Runner,
    /// Every step is done.
    pub finished: bool,
    /// The step's prediction, if it asks for one.
    pub predicted: Asked,
}

/// What a command did to the step's goal.
#[must_use]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Played {
    /// The goal holds for the first time in this step.
    Met,
    /// The goal was met before and a later command undid what it asked
    /// for; the step stays done. The labels that no longer hold.
    Broken(Vec<String>),
    /// Nothing changed about the goal.
    Same,
}

/// What asking for a hint gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hint {
    /// Hint `number` of the step's `of`, of which the profile allows `allowed`.
    Shown {
        number: usize,
        of: usize,
        allowed: usize,
        text: String,
    },
    /// The step has no hints.
    NoHints,
    /// Every hint is shown.
    NoMore,
    /// The profile allows no more (`none`: no hints at all).
    Withheld { none: bool },
}

/// What moving on from a step did.
#[must_use]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Advance {
    /// On to this step (by index).
    Step(usize),
    /// The last step is done.
    Finished,
    /// The goal is not met: what is still missing, with what the world shows.
    NotYet(Vec<String>),
    /// The lesson was already finished: the front end opens the next one.
    Beyond,
}

impl Playthrough {
    /// Lesson `index` at step `at`, on `runner`: the earlier steps'
    /// solutions are replayed into it first.
    pub fn open(lesson: &Lesson, index: usize, runner: &mut Runner, at: usize) -> Self {
        let at = at.min(lesson.steps.len().saturating_sub(1));
        for step in &lesson.steps[..at] {
            for line in &step.solution {
                let _ = runner.step(line);
            }
        }
        let conditions = lesson
            .steps
            .get(at)
            .map(|s| s.evaluate(runner, None))
            .unwrap_or_default();
        Self {
            lesson: index,
            step: at,
            hints: 0,
            solution_shown: false,
            met: all_hold(&conditions),
            conditions,
            start: runner.clone(),
            finished: false,
            predicted: Asked::default(),
        }
    }

    /// Check the goal after a command; a met goal stays met.
    pub fn check(&mut self, lesson: &Lesson, runner: &Runner, last: Option<&Step>) -> Played {
        let Some(step) = lesson.steps.get(self.step) else {
            return Played::Same;
        };
        let held = all_hold(&self.conditions);
        self.conditions = step.evaluate(runner, last);
        let holds = all_hold(&self.conditions);
        if holds && !self.met {
            self.met = true;
            return Played::Met;
        }
        if self.met && held && !holds {
            return Played::Broken(unmet_labels(&self.conditions));
        }
        Played::Same
    }

    /// Check the goal as the world stands, with no latch: after undo, and
    /// in presenter mode, which shows the goal as it is.
    pub fn recheck(&mut self, lesson: &Lesson, runner: &Runner, last: Option<&Step>) {
        if let Some(step) = lesson.steps.get(self.step) {
            self.conditions = step.evaluate(runner, last);
            self.met = all_hold(&self.conditions);
        }
    }

    /// Move on: to the next step once the goal is met, or to the end.
    pub fn advance(&mut self, lesson: &Lesson, runner: &Runner) -> Advance {
        if self.finished {
            return Advance::Beyond;
        }
        if !self.met {
            return Advance::NotYet(self.missing());
        }
        if self.step + 1 >= lesson.steps.len() {
            self.finished = true;
            return Advance::Finished;
        }
        self.show(lesson, runner, self.step + 1);
        Advance::Step(self.step)
    }

    /// Show step `index` fresh: no hints, no prediction, its goal as the
    /// world stands (presenter mode shows a step before its commands run).
    pub fn show(&mut self, lesson: &Lesson, runner: &Runner, index: usize) {
        self.step = index;
        self.hints = 0;
        self.predicted = Asked::default();
        self.solution_shown = false;
        self.start = runner.clone();
        self.conditions = lesson
            .steps
            .get(index)
            .map(|s| s.evaluate(runner, None))
            .unwrap_or_default();
        self.met = false;
        self.finished = false;
    }

    /// The next hint the profile allows, or why there is none.
    pub fn reveal_hint(&mut self, lesson: &Lesson, profile: &Profile) -> Hint {
        let all = lesson
            .steps
            .get(self.step)
            .map_or(&[][..], |s| &s.hints[..]);
        let allowed = profile.hint_limit(all.len());
        if self.hints < allowed {
            self.hints += 1;
            return Hint::Shown {
                number: self.hints,
                of: all.len(),
                allowed,
                text: all[self.hints - 1].clone(),
            };
        }
        if allowed < all.len() {
            Hint::Withheld { none: allowed == 0 }
        } else if all.is_empty() {
            Hint::NoHints
        } else {
            Hint::NoMore
        }
    }

    /// Start the step again: the world as it began; the goal unmet.
    pub fn reset(&mut self, lesson: &Lesson) -> Runner {
        self.hints = 0;
        let runner = self.start.clone();
        if let Some(step) = lesson.steps.get(self.step) {
            self.conditions = step.evaluate(&runner, None);
        }
        self.met = false;
        runner
    }

    /// What is still missing, each with what the world shows now.
    pub fn missing(&self) -> Vec<String> {
        self.conditions
            .iter()
            .filter(|c| !c.holds)
            .map(|c| {
                if c.now.is_empty() {
                    c.label.clone()
                } else {
                    format!("{} (now: {})", c.label, c.now)
                }
            })
            .collect()
    }

    /// The step whose explanation to show again: the current one once its
    /// goal is met, or the one before.
    pub fn explained_step(&self) -> Option<usize> {
        if self.met || self.finished {
            Some(self.step)
        } else {
            self.step.checked_sub(1)
        }
    }
}

/// The single "met" rule: a goal with conditions, all of which hold.
pub fn all_hold(conditions: &[ConditionStatus]) -> bool {
    !conditions.is_empty() && conditions.iter().all(|c| c.holds)
}

/// The labels of the conditions that do not hold, in the goal's order.
pub fn unmet_labels(conditions: &[ConditionStatus]) -> Vec<String> {
    conditions
        .iter()
        .filter(|c| !c.holds)
        .map(|c| c.label.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::Course;

    fn lesson_one() -> Lesson {
        Course::embedded().expect("the course loads").lessons[0].clone()
    }

    #[test]
    fn a_met_goal_stays_met_and_says_when_it_breaks() {
        let lesson = lesson_one();
        let mut runner = Runner::new(lesson.world(0));
        let mut play = Playthrough::open(&lesson, 0, &mut runner, 0);
        assert!(matches!(play.advance(&lesson, &runner), Advance::NotYet(m) if !m.is_empty()));
        let step = runner.step("response.set_cookie('theme', 'dark')");
        assert_eq!(play.check(&lesson, &runner, Some(&step)), Played::Met);
        let step = runner.step("response.delete_cookie('theme')");
        assert!(matches!(
            play.check(&lesson, &runner, Some(&step)),
            Played::Broken(_)
        ));
        assert!(play.met);
        assert_eq!(play.explained_step(), Some(0));
        assert_eq!(play.advance(&lesson, &runner), Advance::Step(1));
        assert_eq!(play.explained_step(), Some(0));
    }

    #[test]
    fn logging_in_another_user_does_not_meet_log_in_as_alice() {
        let lesson = Course::embedded().expect("the course loads").lessons[7].clone();
        for (who, met) in [("'Alice'", false), ("'alice'", true)] {
            let mut runner = Runner::new(lesson.world(0));
            let mut play = Playthrough::open(&lesson, 7, &mut runner, 1);
            let step = runner.step(&format!("login(request, {who})"));
            let _ = play.check(&lesson, &runner, Some(&step));
            assert_eq!(play.met, met, "{who}: {:?}", play.conditions);
        }
    }

    #[test]
    fn hints_stop_where_the_step_or_the_profile_says() {
        let lesson = lesson_one();
        let all = lesson.steps[0].hints.len();
        assert!(all >= 2, "step 1 of lesson 1 has {all} hints");
        let mut runner = Runner::new(lesson.world(0));
        let one_hint = Profile {
            hints: Some(1),
            ..Profile::practice()
        };
        for (profile, shown, after) in [
            (Profile::practice(), all, Hint::NoMore),
            (one_hint, 1, Hint::Withheld { none: false }),
            (Profile::exam(), 0, Hint::Withheld { none: true }),
        ] {
            let mut play = Playthrough::open(&lesson, 0, &mut runner, 0);
            for number in 1..=shown {
                match play.reveal_hint(&lesson, &profile) {
                    Hint::Shown {
                        number: n,
                        of,
                        allowed,
                        text,
                    } => {
                        assert_eq!((n, of, allowed), (number, all, shown), "{}", profile.name);
                        assert_eq!(text, lesson.steps[0].hints[number - 1]);
                    }
                    other => panic!("{}: hint {number}: {other:?}", profile.name),
                }
            }
            assert_eq!(
                play.reveal_hint(&lesson, &profile),
                after,
                "{}",
                profile.name
            );
            assert_eq!(play.hints, shown);
        }
    }

    #[test]
    fn opening_at_a_step_replays_the_earlier_solutions() {
        let lesson = lesson_one();
        let mut runner = Runner::new(lesson.world(0));
        let play = Playthrough::open(&lesson, 0, &mut runner, 1);
        assert_eq!(play.step, 1);
        assert_eq!(runner.world.jar().len(), 1);
    }
}
