//! Chase (FDX) with the real binary against `treasury sandbox serve`: the whole browser login
//! with this test acting as the browser over HTTP (approve, deny, wrong state, timeout, port in
//! use, `--no-browser`), paging, the mapping of each FDX type, and the no-config demo.

mod browser;
mod faults;
mod login;
mod refresh;

use crate::support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use support::chase::*;
use support::{mode_of, run, Home, ServedSandbox};
