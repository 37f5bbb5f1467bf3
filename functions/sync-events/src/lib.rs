//! sync-events
