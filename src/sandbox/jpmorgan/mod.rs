//! The sandbox's J.P. Morgan Account Balances side: its book of accounts, deterministic amounts,
//! the API's rules and refusals, and the answer to a valid inquiry.

mod part;
pub use part::PART;
pub mod accounts;
pub mod amounts;
pub mod answer;
pub mod refusal;
pub mod rules;
