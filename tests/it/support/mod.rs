//! What the integration tests share beyond one command: snapshots of what a user sees.

pub mod snapshot;
