//! The integration tests: one binary that drives the real server over HTTP, on SQLite by default and on
//! PostgreSQL when `TEST_DATABASE_URL` is set (each test gets a fresh database either way).

mod helpers;

mod accounts;
mod attempts;
mod auth;
mod author_pages;
mod author_views;
mod backup;
mod candidates;
mod centre;
mod delivery;
mod forensics;
mod hashing;
mod headers;
mod history;
mod input;
mod items;
mod logs;
mod openapi;
mod operations;
mod pages;
mod qti;
mod results;
mod shutdown;
mod staff_pages;
mod supervision;
mod throttle;
