//! The typed CloudFormation model: intrinsics, logical ids, templates with typed handles, resource properties,
//! dashboard bodies, suppressions and reference validation.

pub mod dashboard;
pub mod expr;
pub mod id;
pub mod resources;
pub mod suppress;
pub mod template;
pub mod validate;

pub use expr::{Expr, Pseudo, Val};
pub use id::LogicalId;
pub use template::{CondHandle, Handle, ParamHandle, Parameter, Policy, Template};
