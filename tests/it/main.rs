//! The integration tests, in one binary (one link in CI). A module per command (`balances`,
//! `position`, `login`, ...) and per provider (`jpmorgan`, `finicity`, `chase`, `openbanking`),
//! each running the built `treasury` against a real HTTP server on 127.0.0.1 (the sandbox or a
//! scripted bank); `support` holds what they share. Snapshots are in `snapshots/`.

mod support;

// Commands.
mod accounts;
mod balances;
mod check;
mod completions;
mod credentials;
mod help;
mod history;
mod login;
mod man;
mod position;
mod sandbox;
mod status;

// Providers.
mod chase;
mod finicity;
mod jpmorgan;
mod openbanking;

// Across commands: bank files, docs, errors with hints, tables, properties of the library.
mod bank_files;
mod docs;
mod hints;
mod properties;
mod streaming;
mod tables;
