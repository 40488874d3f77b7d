//! What the integration tests share: the private HOME a test runs `treasury` in, the `Run` it
//! shows, the scripted banks on 127.0.0.1, the served sandbox, the Chase FDX stand-in and login
//! helpers, and snapshots of what a user sees.

pub mod bank;
pub mod chase;
/// The independent readers of bank files (`tests/validators/`) and what they found.
#[path = "../../validators/found.rs"]
pub mod found;
pub mod home;
#[path = "../../validators/readers.rs"]
pub mod readers;
pub mod run;
pub mod sandbox;
pub mod served;
pub mod snapshot;
pub mod terminal;

pub use bank::*;
pub use home::*;
pub use run::*;
pub use sandbox::*;
pub use terminal::on_a_terminal;
