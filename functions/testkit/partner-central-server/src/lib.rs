//! partner-central-server: local test server
