//! The shared kit of the web crate: what every feature's pages and API routes use, and which uses
//! no feature. Features import from here; nothing here imports a feature.

pub mod api;
pub mod auth;
pub mod csrf;
pub mod download;
pub mod error;
pub mod form;
pub mod i18n;
pub mod query;
pub mod refusal;
pub mod routes;
pub mod schema;
pub mod security;
pub mod state;
pub mod views;
