//! The Finicity client against the sandbox over real HTTP on loopback.
