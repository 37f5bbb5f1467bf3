//! moto-harness: local test server
