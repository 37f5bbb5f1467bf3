//! hubspot-server: local test server
