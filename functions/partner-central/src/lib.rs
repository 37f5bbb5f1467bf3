//! partner-central
