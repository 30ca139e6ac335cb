//! Synaq: delivers the Kazakh state-language test. The server and its command line; the reasoning about
//! items lives in the `item-bank` crate.

pub mod auth;
pub mod cli;
pub mod config;
pub mod digest;
pub mod domain;
pub mod error;
pub mod lang;
pub mod loadtest;
pub mod metrics;
pub mod net;
pub mod pages;
pub mod plot;
pub mod routes;
pub mod security_headers;
pub mod services;
pub mod shutdown;
pub mod startup;
pub mod store;
pub mod telemetry;
