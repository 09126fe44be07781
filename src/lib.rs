//! sessionlab: learn how web sessions and cookies work, the way Django 5.2
//! does them, by watching a simulated browser and server.

pub mod sim;
pub mod runner;
pub mod script;
pub mod transcript;
pub mod cli;
pub mod scenario;
pub mod lesson;
