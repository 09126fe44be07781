//! Every key the app knows, in one table: the event loop looks keys up here,
//! and the footer and the help overlay are drawn from it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    Close,
    FocusNext,
    FocusPrev,
    /// Tab: complete in the prompt, or move focus when there is nothing to complete.
    TabKey,
    Submit,
    HistoryPrev,
    HistoryNext,
    Left,
    Right,
    Home,
    End,
    Backspace,
    Delete,
    KillLine,
    KillWord,
    Hint,
    Solution,
    NextStep,
    Undo,
    ResetStep,
    ResetLesson,
    /// Show the last explanation again (the current step's, or the one before).
    Why,
    /// Back one step, its solution replayed, to read it and its explanation again.
    PrevStep,
    Zoom,
    /// In the compact layout: show the next world pane.
    NextPane,
    /// The HTTP pane shows the exchange before or after.
    FlowPrev,
    FlowNext,
    Menu,
    ScrollUp,
    ScrollDown,
    PageUp,
    PageDown,
    MenuUp,
    MenuDown,
    Open,
    Sandbox,
    DemoNext,
    DemoBack,
    DemoPause,
    Yes,
    No,
}

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Everywhere.
    Global,
    /// The lesson and sandbox screens.
    Work,
    /// The lesson screen only.
    Lesson,
    /// The prompt has focus.
    Prompt,
    /// A pane other than the prompt has focus.
    Pane,
    Menu,
    Demo,
    /// A yes/no question is open.
    Confirm,
    /// The help overlay is open.
    HelpOverlay,
}

impl Context {
    /// The heading of this context in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Work => "Lesson and sandbox",
            Context::Lesson => "Lesson",
            Context::Prompt => "Prompt (editing)",
            Context::Pane => "A pane has focus",
            Context::Menu => "Course menu",
            Context::Demo => "Presenter mode",
            Context::Confirm => "A question",
            Context::HelpOverlay => "This help",
        }
    }
}

/// One key (or several equivalent keys) and what it does.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    pub context: Context,
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How the keys are written in the footer and the help (`Ctrl-C`).
    pub label: &'static str,
    pub doc: &'static str,
    pub action: Action,
    /// Whether the footer shows it.
    pub footer: bool,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

const fn b(
    context: Context,
    keys: &'static [(KeyCode, KeyModifiers)],
    label: &'static str,
    doc: &'static str,
    action: Action,
    footer: bool,
) -> Binding {
    Binding {
        context,
        keys,
        label,
        doc,
        action,
        footer,
    }
}

use Action as A;
use Context as C;
use KeyCode as K;

/// The keymap. Earlier, more specific contexts win (see [`lookup`]).
pub const KEYMAP: &[Binding] = &[
    b(
        C::Global,
        &[(K::Char('c'), CTRL)],
        "Ctrl-C",
        "quit at once (progress is already saved)",
        A::Quit,
        true,
    ),
    b(
        C::Global,
        &[(K::F(1), NONE)],
        "F1",
        "this help",
        A::Help,
        true,
    ),
    b(
        C::HelpOverlay,
        &[
            (K::Esc, NONE),
            (K::F(1), NONE),
            (K::Char('q'), NONE),
            (K::Char('?'), NONE),
            (K::Enter, NONE),
        ],
        "Esc",
        "close the help",
        A::Close,
        true,
    ),
    b(
        C::HelpOverlay,
        &[(K::Up, NONE), (K::Char('k'), NONE)],
        "↑/↓",
        "scroll the help",
        A::ScrollUp,
        false,
    ),
    b(
        C::HelpOverlay,
        &[(K::Down, NONE), (K::Char('j'), NONE)],
        "",
        "scroll the help down",
        A::ScrollDown,
        false,
    ),
    b(
        C::HelpOverlay,
        &[(K::PageUp, NONE)],
        "PgUp/PgDn",
        "scroll the help a page",
        A::PageUp,
        false,
    ),
    b(
        C::HelpOverlay,
        &[(K::PageDown, NONE)],
        "",
        "scroll the help a page down",
        A::PageDown,
        false,
    ),
    b(
        C::Confirm,
        &[
            (K::Char('y'), NONE),
            (K::Char('Y'), SHIFT),
            (K::Enter, NONE),
        ],
        "y",
        "yes",
        A::Yes,
        true,
    ),
    b(
        C::Confirm,
        &[(K::Char('n'), NONE), (K::Char('N'), SHIFT), (K::Esc, NONE)],
        "n/Esc",
        "no",
        A::No,
        true,
    ),
    b(
        C::Menu,
        &[(K::Up, NONE), (K::Char('k'), NONE)],
        "↑/↓",
        "choose a lesson",
        A::MenuUp,
        true,
    ),
    b(
        C::Menu,
        &[(K::Down, NONE), (K::Char('j'), NONE), (K::Tab, NONE)],
        "",
        "next lesson",
        A::MenuDown,
        false,
    ),
    b(
        C::Menu,
        &[(K::Enter, NONE)],
        "Enter",
        "open (resumes where you stopped)",
        A::Open,
        true,
    ),
    b(
        C::Menu,
        &[(K::Char('s'), NONE)],
        "s",
        "sandbox: no lesson, just the world",
        A::Sandbox,
        true,
    ),
    b(
        C::Menu,
        &[(K::Char('?'), NONE)],
        "?",
        "this help",
        A::Help,
        false,
    ),
    b(
        C::Menu,
        &[(K::Char('q'), NONE), (K::Esc, NONE)],
        "q",
        "quit",
        A::Quit,
        true,
    ),
    b(
        C::Demo,
        &[(K::Char(' '), NONE), (K::Right, NONE), (K::Enter, NONE)],
        "Space/→",
        "next: show the next step, or type and run its command",
        A::DemoNext,
        true,
    ),
    b(
        C::Demo,
        &[(K::Left, NONE), (K::Backspace, NONE)],
        "←",
        "go back one command",
        A::DemoBack,
        true,
    ),
    b(
        C::Demo,
        &[(K::Char('p'), NONE)],
        "p",
        "pause or resume autoplay",
        A::DemoPause,
        true,
    ),
    b(
        C::Demo,
        &[(K::Char('z'), NONE)],
        "z",
        "enlarge the focused pane (again: back)",
        A::Zoom,
        true,
    ),
    b(
        C::Demo,
        &[(K::Tab, NONE)],
        "Tab",
        "focus the next pane",
        A::FocusNext,
        true,
    ),
    b(
        C::Demo,
        &[(K::BackTab, SHIFT)],
        "Shift-Tab",
        "focus the previous pane",
        A::FocusPrev,
        false,
    ),
    b(
        C::Demo,
        &[(K::Up, NONE)],
        "↑/↓",
        "scroll the focused pane",
        A::ScrollUp,
        false,
    ),
    b(
        C::Demo,
        &[(K::Down, NONE)],
        "",
        "scroll down",
        A::ScrollDown,
        false,
    ),
    b(
        C::Demo,
        &[(K::PageUp, NONE)],
        "PgUp/PgDn",
        "scroll a page",
        A::PageUp,
        false,
    ),
    b(
        C::Demo,
        &[(K::PageDown, NONE)],
        "",
        "scroll a page down",
        A::PageDown,
        false,
    ),
    b(
        C::Demo,
        &[(K::Char('?'), NONE)],
        "?",
        "this help",
        A::Help,
        false,
    ),
    b(
        C::Demo,
        &[(K::Char('q'), NONE), (K::Esc, NONE)],
        "q",
        "quit",
        A::Quit,
        true,
    ),
    b(
        C::Lesson,
        &[(K::F(2), NONE), (K::Char('t'), CTRL)],
        "F2",
        "a hint (one more each time)",
        A::Hint,
        true,
    ),
    b(
        C::Lesson,
        &[(K::F(3), NONE)],
        "F3",
        "show the solution (asks first)",
        A::Solution,
        true,
    ),
    b(
        C::Lesson,
        &[(K::F(4), NONE), (K::Char('n'), CTRL)],
        "F4",
        "next step, once the goal is met (Enter on an empty prompt too)",
        A::NextStep,
        true,
    ),
    b(
        C::Lesson,
        &[(K::F(5), NONE)],
        "F5",
        "reset this step (asks first)",
        A::ResetStep,
        true,
    ),
    b(
        C::Lesson,
        &[(K::F(6), NONE)],
        "F6",
        "reset the whole lesson (asks first)",
        A::ResetLesson,
        false,
    ),
    b(
        C::Lesson,
        &[(K::F(4), SHIFT), (K::F(16), NONE)],
        "Shift-F4",
        "back one step (its solution replayed), to read it again (also the command `back`)",
        A::PrevStep,
        false,
    ),
    b(
        C::Lesson,
        &[(K::F(9), NONE)],
        "F9",
        "read the last explanation again (also the command `why`)",
        A::Why,
        true,
    ),
    b(
        C::Work,
        &[(K::F(7), NONE)],
        "F7",
        "in a small window: show the next world pane (also `show browser|server|http`)",
        A::NextPane,
        true,
    ),
    b(
        C::Work,
        &[(K::Char('z'), CTRL)],
        "Ctrl-Z",
        "undo the last command",
        A::Undo,
        true,
    ),
    b(
        C::Work,
        &[(K::F(8), NONE), (K::Char('f'), CTRL)],
        "F8",
        "enlarge the focused pane (again: back)",
        A::Zoom,
        true,
    ),
    b(
        C::Work,
        &[(K::F(10), NONE)],
        "F10",
        "back to the course menu",
        A::Menu,
        true,
    ),
    b(
        C::Work,
        &[(K::Tab, NONE)],
        "Tab",
        "complete in the prompt; with nothing to complete, focus the next pane",
        A::TabKey,
        false,
    ),
    b(
        C::Work,
        &[(K::BackTab, SHIFT)],
        "Shift-Tab",
        "focus the previous pane",
        A::FocusPrev,
        false,
    ),
    b(
        C::Work,
        &[(K::PageUp, NONE)],
        "PgUp/PgDn",
        "scroll the focused pane (the output, from the prompt)",
        A::PageUp,
        false,
    ),
    b(
        C::Work,
        &[(K::PageDown, NONE)],
        "",
        "scroll down a page",
        A::PageDown,
        false,
    ),
    b(
        C::Pane,
        &[(K::Up, NONE), (K::Char('k'), NONE)],
        "↑/↓",
        "scroll the focused pane",
        A::ScrollUp,
        false,
    ),
    b(
        C::Pane,
        &[(K::Down, NONE), (K::Char('j'), NONE)],
        "",
        "scroll down",
        A::ScrollDown,
        false,
    ),
    b(
        C::Pane,
        &[(K::Char('p'), NONE)],
        "p/n",
        "HTTP pane: the previous / next exchange",
        A::FlowPrev,
        false,
    ),
    b(
        C::Pane,
        &[(K::Char('n'), NONE)],
        "",
        "the next exchange",
        A::FlowNext,
        false,
    ),
    b(
        C::Pane,
        &[(K::Esc, NONE), (K::Enter, NONE)],
        "Esc",
        "back to the prompt",
        A::Close,
        false,
    ),
    b(
        C::Pane,
        &[(K::Char('?'), NONE)],
        "?",
        "this help",
        A::Help,
        false,
    ),
    b(
        C::Prompt,
        &[(K::Enter, NONE)],
        "Enter",
        "run the line",
        A::Submit,
        false,
    ),
    b(
        C::Prompt,
        &[(K::Up, NONE)],
        "↑/↓",
        "history (kept across runs)",
        A::HistoryPrev,
        false,
    ),
    b(
        C::Prompt,
        &[(K::Down, NONE)],
        "",
        "history forward",
        A::HistoryNext,
        false,
    ),
    b(
        C::Prompt,
        &[(K::Left, NONE)],
        "←/→",
        "move the cursor",
        A::Left,
        false,
    ),
    b(
        C::Prompt,
        &[(K::Right, NONE)],
        "",
        "cursor right",
        A::Right,
        false,
    ),
    b(
        C::Prompt,
        &[(K::Home, NONE), (K::Char('a'), CTRL)],
        "Home/Ctrl-A",
        "start of line",
        A::Home,
        false,
    ),
    b(
        C::Prompt,
        &[(K::End, NONE), (K::Char('e'), CTRL)],
        "End/Ctrl-E",
        "end of line",
        A::End,
        false,
    ),
    b(
        C::Prompt,
        &[(K::Backspace, NONE), (K::Char('h'), CTRL)],
        "Backspace",
        "delete before the cursor",
        A::Backspace,
        false,
    ),
    b(
        C::Prompt,
        &[(K::Delete, NONE), (K::Char('d'), CTRL)],
        "Delete",
        "delete under the cursor",
        A::Delete,
        false,
    ),
    b(
        C::Prompt,
        &[(K::Char('u'), CTRL)],
        "Ctrl-U",
        "delete to the start of the line",
        A::KillLine,
        false,
    ),
    b(
        C::Prompt,
        &[(K::Char('w'), CTRL), (K::Backspace, KeyModifiers::ALT)],
        "Ctrl-W",
        "delete the word before the cursor",
        A::KillWord,
        false,
    ),
];

/// The action for `key` in the active `contexts` (most specific first).
pub fn lookup(contexts: &[Context], key: &KeyEvent) -> Option<Action> {
    let mods = key.modifiers & (CTRL | KeyModifiers::ALT | SHIFT);
    for context in contexts.iter().copied().chain([Context::Global]) {
        for binding in KEYMAP.iter().filter(|b| b.context == context) {
            let hit = binding.keys.iter().any(|(code, m)| {
                *code == key.code
                    && (*m == mods
                        || matches!(code, KeyCode::Char(_) | KeyCode::BackTab)
                            && *m | SHIFT == mods | SHIFT)
            });
            if hit {
                return Some(binding.action);
            }
        }
    }
    None
}

/// The footer's one word for an action, htop style (`F4Next`).
pub fn short(action: Action) -> Option<&'static str> {
    Some(match action {
        Action::Quit => "Quit",
        Action::Help => "Help",
        Action::Close => "Close",
        Action::Hint => "Hint",
        Action::Solution => "Solve",
        Action::NextStep => "Next",
        Action::ResetStep => "Reset",
        Action::Undo => "Undo",
        Action::Why => "Why",
        Action::NextPane => "Pane",
        Action::Zoom => "Zoom",
        Action::Menu => "Menu",
        Action::Yes => "Yes",
        Action::No => "No",
        Action::Open => "Open",
        Action::Sandbox => "Sandbox",
        Action::DemoNext => "Run",
        Action::DemoBack => "Back",
        Action::DemoPause => "Pause",
        Action::FocusNext => "Pane",
        Action::MenuUp => "Choose",
        _ => return None,
    })
}

/// The footer's bindings for the active contexts: quit and help first, so
/// they show however narrow the window.
pub fn footer(contexts: &[Context]) -> Vec<&'static Binding> {
    let mut out: Vec<&Binding> = Vec::new();
    for context in [Context::Global]
        .into_iter()
        .chain(contexts.iter().copied())
    {
        out.extend(KEYMAP.iter().filter(|b| b.context == context && b.footer));
    }
    // One key an action, the first found (the global Ctrl-C before the
    // menu's `q`, which both quit).
    let mut seen = Vec::new();
    out.retain(|b| {
        let first = !seen.contains(&b.action);
        seen.push(b.action);
        first
    });
    out
}
