//! cfn-checks
