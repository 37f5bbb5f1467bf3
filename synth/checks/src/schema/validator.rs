//! stub
pub(super) fn placeholder() {}
