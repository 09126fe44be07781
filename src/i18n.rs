//! The interface's own words in each language, from one table, and the
//! language chosen for this run: `--lang`, else the locale (`LC_ALL`,
//! `LC_MESSAGES`, `LANG`), else English. Lessons are translated as files
//! (`lessons/fr/01-what-is-a-cookie.md`, see `lesson::translate`); English is
//! the fallback for a missing string, lesson or step.

use std::sync::OnceLock;

/// The languages the interface speaks; the first is the fallback.
pub const LANGUAGES: &[&str] = &["en", "fr"];

static CHOSEN: OnceLock<String> = OnceLock::new();

/// Choose the language for this run (the first call wins): `--lang`, or the
/// locale from the environment when it is `None`. Lessons come in any
/// language a course has a folder for; the interface falls back to English.
pub fn choose(flag: Option<&str>) -> &'static str {
    CHOSEN.get_or_init(|| {
        let from_env = || {
            ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|v| std::env::var(v).ok())
                .find(|v| !v.is_empty())
        };
        let wanted = flag
            .map(str::to_string)
            .or_else(from_env)
            .unwrap_or_default();
        code(&wanted)
    })
}

/// The language of this run (English until [`choose`] is called).
pub fn current() -> &'static str {
    CHOSEN.get().map_or(LANGUAGES[0], String::as_str)
}

/// The language code a locale name asks for: `fr_FR.UTF-8` and `fr` give
/// `fr`; `C`, `POSIX` and nothing give `en`.
pub fn code(locale: &str) -> String {
    let code = locale
        .split(['_', '.', '-', '@'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if crate::lesson::translate::is_language(&code) {
        code
    } else {
        LANGUAGES[0].to_string()
    }
}

/// The string `key` in the current language (English when it has none).
pub fn tr(key: &str) -> &'static str {
    tr_in(current(), key)
}

/// The string `key` in `lang`.
pub fn tr_in(lang: &str, key: &str) -> &'static str {
    let Some((_, en, fr)) = TABLE.iter().find(|(k, _, _)| *k == key) else {
        debug_assert!(false, "no string {key}");
        return "";
    };
    match lang {
        "fr" if !fr.is_empty() => fr,
        _ => en,
    }
}

/// [`tr`] with each `{}` replaced by the next argument.
pub fn trf(key: &str, args: &[&str]) -> String {
    fill(tr(key), args)
}

fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut args = args.iter();
    let mut rest = template;
    while let Some(at) = rest.find("{}") {
        out.push_str(&rest[..at]);
        out.push_str(args.next().copied().unwrap_or("{}"));
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

/// (key, English, French). One row a string; an empty French falls back.
const TABLE: &[(&str, &str, &str)] = &[
    // The report card.
    (
        "report.heading",
        "Report card: {} (profile: {})",
        "Bulletin : {} (profil : {})",
    ),
    ("report.done", "done", "terminée"),
    ("report.steps", "{}/{} steps", "{}/{} étapes"),
    ("report.optional", " (optional)", " (facultative)"),
    ("report.step", "step", "étape"),
    ("report.step-done", "done", "faite"),
    ("report.step-open", "not done", "pas faite"),
    (
        "report.figures",
        "{} commands · {} hints · {} solutions shown",
        "{} commandes · {} indices · {} solutions montrées",
    ),
    (
        "report.predictions",
        "predictions {}/{} right",
        "prédictions justes {}/{}",
    ),
    (
        "report.predicted-right",
        "predicted {}: right",
        "prédit {} : juste",
    ),
    (
        "report.predicted-wrong",
        "predicted {}: wrong",
        "prédit {} : faux",
    ),
    // Portable progress.
    (
        "export.done",
        "Progress of {} lessons written to {}.",
        "Progression de {} leçons écrite dans {}.",
    ),
    (
        "import.done",
        "Progress of {} lessons merged from {}.",
        "Progression de {} leçons fusionnée depuis {}.",
    ),
    (
        "import.other-course",
        "{} holds progress for the course '{}', not '{}': import it with that course's lessons (--lessons DIR)",
        "{} contient la progression du cours « {} », pas « {} » : importez-le avec les leçons de ce cours (--lessons DOSSIER)",
    ),
    // Profiles.
    ("profile.active", "Profile: {} ({}).", "Profil : {} ({})."),
    (
        "profile.no-hints",
        "No hints in the {} profile.",
        "Pas d'indice dans le profil {}.",
    ),
    (
        "profile.no-more-hints",
        "No more hints in the {} profile.",
        "Plus d'indice dans le profil {}.",
    ),
    (
        "profile.no-solution",
        "The {} profile does not show solutions.",
        "Le profil {} ne montre pas les solutions.",
    ),
    (
        "profile.solutions",
        "solutions shown on request",
        "solutions montrées sur demande",
    ),
    (
        "profile.solutions-hidden",
        "solutions hidden",
        "solutions cachées",
    ),
    ("profile.hints", "{} hints a step", "{} indices par étape"),
    ("profile.hints-all", "every hint", "tous les indices"),
    (
        "profile.predictions-count",
        "predictions count",
        "les prédictions comptent",
    ),
    // The plain line mode.
    (
        "plain.welcome",
        "Lesson {}: {}. Type commands, one a line. :help lists the other commands.",
        "Leçon {} : {}. Tapez des commandes, une par ligne. :help liste les autres commandes.",
    ),
    ("plain.step", "Step {} of {}: {}", "Étape {} sur {} : {}"),
    (
        "plain.question",
        "Before you run it, predict:",
        "Avant de l'exécuter, prédisez :",
    ),
    (
        "plain.answer-prompt",
        "Type your prediction ({}); an empty line skips.",
        "Tapez votre prédiction ({}) ; une ligne vide passe.",
    ),
    (
        "plain.goal-met",
        "Goal met. :why explains, :next goes on.",
        "But atteint. :why explique, :next continue.",
    ),
    (
        "plain.goal-missing",
        "Goal not met yet. Still missing: {}.",
        "But pas encore atteint. Il manque : {}.",
    ),
    (
        "plain.goal-broken",
        "The goal no longer holds ({}), but the step stays done: :next goes on, :undo takes the command back.",
        "Le but n'est plus atteint ({}), mais l'étape reste faite : :next continue, :undo annule la commande.",
    ),
    ("plain.goal", "Goal: {}.", "But : {}."),
    ("plain.holds", "met", "atteint"),
    ("plain.not-yet", "not yet", "pas encore"),
    ("plain.hint", "Hint {} of {}: {}", "Indice {} sur {} : {}"),
    (
        "plain.no-more-hints",
        "No more hints. :solution shows the solution.",
        "Plus d'indice. :solution montre la solution.",
    ),
    (
        "plain.no-hints",
        "This step has no hints.",
        "Cette étape n'a pas d'indice.",
    ),
    ("plain.solution", "Solution: {}", "Solution : {}"),
    (
        "plain.why-later",
        "The explanation comes once the goal is met.",
        "L'explication vient une fois le but atteint.",
    ),
    (
        "plain.not-yet-next",
        "Not yet: the goal is not met. :goal says what is missing.",
        "Pas encore : le but n'est pas atteint. :goal dit ce qui manque.",
    ),
    ("plain.undone", "Undone.", "Annulé."),
    (
        "plain.nothing-to-undo",
        "Nothing to undo.",
        "Rien à annuler.",
    ),
    (
        "plain.lesson-done",
        "Lesson complete: {}.",
        "Leçon terminée : {}.",
    ),
    (
        "plain.bye",
        "Progress saved. Goodbye.",
        "Progression enregistrée. Au revoir.",
    ),
    (
        "plain.unknown",
        "Unknown command {}. :help lists them.",
        "Commande inconnue {}. :help les liste.",
    ),
    (
        "plain.nothing-changed",
        "Nothing changed.",
        "Rien n'a changé.",
    ),
    (
        "plain.predicted",
        "You predicted {}.",
        "Vous avez prédit {}.",
    ),
    (
        "plain.verdict-right",
        "You predicted {}: right.",
        "Vous avez prédit {} : juste.",
    ),
    (
        "plain.verdict-wrong",
        "You predicted {}; the answer is {}.",
        "Vous avez prédit {} ; la réponse est {}.",
    ),
    (
        "plain.jar-empty",
        "Browser {}: the jar is empty.",
        "Navigateur {} : la boîte à cookies est vide.",
    ),
    (
        "plain.jar",
        "Browser {}, {} cookies:",
        "Navigateur {}, {} cookies :",
    ),
    (
        "plain.store-empty",
        "Server: no stored sessions.",
        "Serveur : aucune session enregistrée.",
    ),
    (
        "plain.store",
        "Server, {} sessions:",
        "Serveur, {} sessions :",
    ),
    (
        "plain.no-exchange",
        "No request yet.",
        "Pas encore de requête.",
    ),
    (
        "plain.help",
        "Commands: Python view code and world commands run in the world. \
:hint next hint · :solution the solution · :why the explanation · :goal the goal's status · \
:next next step · :undo undo the last command · :reset restart the step · \
:show browser|server|http (or show browser...) what a pane shows · :report the report card · :quit leave.",
        "Commandes : le code de vue Python et les commandes du monde s'exécutent dans le monde. \
:hint indice suivant · :solution la solution · :why l'explication · :goal l'état du but · \
:next étape suivante · :undo annule la dernière commande · :reset recommence l'étape · \
:show browser|server|http (ou show browser...) ce que montre un panneau · :report le bulletin · :quit quitter.",
    ),
    ("plain.reset", "Step {} reset.", "Étape {} recommencée."),
    // Changes told in words.
    (
        "change.stored",
        "browser {} stored cookie {}, {}",
        "le navigateur {} a enregistré le cookie {}, {}",
    ),
    (
        "change.changed",
        "browser {} changed cookie {} to {}, {}",
        "le navigateur {} a changé le cookie {} en {}, {}",
    ),
    (
        "change.removed",
        "browser {} removed cookie {}",
        "le navigateur {} a supprimé le cookie {}",
    ),
    (
        "change.created",
        "server created session {}, data {}",
        "le serveur a créé la session {}, données {}",
    ),
    (
        "change.updated",
        "server changed session {}, data {}",
        "le serveur a modifié la session {}, données {}",
    ),
    (
        "change.deleted",
        "server deleted session {}",
        "le serveur a supprimé la session {}",
    ),
    (
        "change.request",
        "{} {} sent cookies: {}",
        "{} {} a envoyé les cookies : {}",
    ),
    (
        "change.request-none",
        "{} {} sent no cookie",
        "{} {} n'a envoyé aucun cookie",
    ),
    ("change.response", "response {} {}", "réponse {} {}"),
    (
        "change.until-close",
        "until the browser closes",
        "jusqu'à la fermeture du navigateur",
    ),
    ("change.expires", "expires in {}", "expire dans {}"),
    // Grading.
    (
        "grade.lesson",
        "{}: {} of {} steps done",
        "{} : {} étapes faites sur {}",
    ),
    (
        "grade.extra",
        "{} hints, {} solutions shown, predictions {}/{} right",
        "{} indices, {} solutions montrées, prédictions justes {}/{}",
    ),
    (
        "grade.transcript-missing",
        "step {} ({}) not reached: still missing {}",
        "étape {} ({}) non atteinte : il manque {}",
    ),
    (
        "grade.transcript-differs",
        "line {} of the transcript is not what its command does: {}",
        "la ligne {} du transcript ne correspond pas à ce que fait sa commande : {}",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_map_to_languages_and_every_row_is_filled() {
        assert_eq!(code("fr_FR.UTF-8"), "fr");
        assert_eq!(code("C"), "en");
        assert_eq!(code(""), "en");
        assert_eq!(tr_in("de", "report.done"), "done");
        assert_eq!(fill("{} of {}", &["1", "2"]), "1 of 2");
        let mut keys: Vec<_> = TABLE.iter().map(|(k, _, _)| k).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), TABLE.len(), "a key twice");
        for (key, en, fr) in TABLE {
            assert!(!en.is_empty() && !fr.is_empty(), "{key}");
            assert_eq!(en.matches("{}").count(), fr.matches("{}").count(), "{key}");
        }
    }
}
