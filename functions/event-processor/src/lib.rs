//! event-processor
