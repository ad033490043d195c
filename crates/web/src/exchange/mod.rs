//! The exchange of the register in HTCDS 2.0: export for partners and open data, import from
//! another system.

pub mod api;
