//! The classroom: what a teacher and a course need around the lessons. The
//! report card of what a learner did ([`report`]), progress carried between
//! machines ([`portable`]) and grades in the formats teachers' tools read
//! ([`grade`]). Everything goes through files and exit codes, never a server.

pub mod cli;
pub mod grade;
pub mod portable;
pub mod report;
