//! The safety and support plan (mnir.md §8–§9): its page, its versions and acknowledgements, and the services delivered.

pub mod api;
