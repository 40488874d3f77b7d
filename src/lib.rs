//! `treasury` as a library: the modules behind the binary, public for benchmarks and tests.

// Only `term` writes to the terminal: the print macros are refused everywhere else.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod alerts;
pub mod atomic;
pub mod bank;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod complete;
pub mod config;
pub mod credentials;
pub mod env;
pub mod error;
pub mod history;
pub mod http;
pub mod model;
pub mod oauth;
pub mod output;
pub mod position;
pub mod query;
pub mod sandbox;
#[cfg(test)]
mod seam_tests;
pub mod secret;
pub mod term;
