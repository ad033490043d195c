//! Assisted voluntary repatriation (mnir.md §10): the procedure of a case and its steps.

pub mod api;
