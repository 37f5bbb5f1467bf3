//! Typed CloudFormation model and the sync stacks.
