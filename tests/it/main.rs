//! The integration tests, in one binary (one link in CI): each module runs the built `treasury`
//! against a real HTTP server on 127.0.0.1 (the sandbox or a scripted bank).

mod support;

mod accounts;
mod auth_modes;
mod balances_sandbox;
mod balances_server;
mod bank_files;
mod chase;
mod chase_refresh;
mod check;
mod commands;
mod credentials;
mod docs;
mod faults;
mod finicity;
mod generated;
mod hardening_creds;
mod hardening_data;
mod hardening_output;
mod help;
mod hints;
mod history;
mod login_durability;
mod openbanking;
mod openbanking_login;
mod position;
mod position_properties;
mod position_schema;
mod properties;
mod streaming;
mod streaming_runs;
mod tables;
mod validation;
