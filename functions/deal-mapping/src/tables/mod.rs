//! Lookup tables, each in its own file with its source documented. All matching on them is exact after a fixed,
//! documented normalisation (never substring or fuzzy matching), so results are deterministic.

pub mod countries;
pub mod country_aliases;
pub mod industries;
pub mod states;
pub mod use_cases;
