//! The simulated world: browsers with cookie jars, a Django 5.2 server with its
//! session middleware, five session engines and auth, a clock and a seeded key
//! generator. Sans-IO: no terminal, file system, wall clock or thread RNG here.

pub mod auth;
pub mod browser;
pub mod budget;
pub mod cookie;
pub mod csrf;
pub mod dates;
pub mod decode;
pub mod error;
pub mod inspect;
pub mod keys;
pub mod origin;
pub mod request;
pub mod server;
pub mod session;
pub mod settings;
pub mod shared;
pub mod signing;
pub mod value;
pub mod world;

pub use error::PyErr;
pub use value::Value;
pub use world::{World, WorldCommand};
