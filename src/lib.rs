//! sessionlab: learn how web sessions and cookies work, the way Django 5.2
//! does them, by watching a simulated browser and server.

pub mod classroom;
pub mod cli;
pub mod files;
pub mod i18n;
pub mod interop;
pub mod lesson;
pub mod plain;
pub mod progress;
pub mod runner;
pub mod safe_text;
pub mod scenario;
pub mod script;
pub mod sim;
pub mod transcript;
pub mod tui;
pub mod tutor;
pub mod workbench;
