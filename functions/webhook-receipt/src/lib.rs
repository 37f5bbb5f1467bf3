//! webhook-receipt
