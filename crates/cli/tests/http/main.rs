//! HTTP integration tests: one binary (each file under `tests/` would be linked separately).

mod api;
mod api_mechanism;
mod break_glass;
mod cli;
mod clocks;
mod consent;
mod crash;
mod directory;
mod exchange;
mod identification;
mod justice;
mod matrix;
mod pages;
mod plan;
mod referral;
mod reflection;
mod repatriation;
mod retention;
mod risk;
mod security;
mod statistics;
mod support;
mod training;
mod two_factor;
mod two_servers;
mod victim;
