//! `treasury balances`: against the sandbox and a scripted bank, its local refusals, a failing
//! bank (retries, timeouts, cut connections), the rows and errors of a report, `--split` runs,
//! and what it writes (files, pipes, terminals).

mod bank;
mod failing_bank;
mod output;
mod refusals;
mod rows;
mod sandbox;
mod split;
