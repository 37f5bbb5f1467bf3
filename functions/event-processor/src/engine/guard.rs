//! Panic containment for one unit of work: a handler bug must not fail the whole invocation (which would redeliver
//! the records that did succeed). [`CatchUnwind`] polls the unit's future inside `catch_unwind`; a panic becomes
//! an error the engine reports as a failed record (retried, then DLQ), so nothing is lost or acknowledged.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

/// A unit's future that panicked while being polled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panicked;

/// Wraps a future so a panic while polling it resolves to `Err(Panicked)`.
pub struct CatchUnwind<'a, T> {
    inner: Pin<Box<dyn Future<Output = T> + Send + 'a>>,
}

impl<'a, T> CatchUnwind<'a, T> {
    /// Wraps `future`.
    pub fn new(future: impl Future<Output = T> + Send + 'a) -> Self {
        Self {
            inner: Box::pin(future),
        }
    }
}

impl<T> Future for CatchUnwind<'_, T> {
    type Output = Result<T, Panicked>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // The future is dropped right after a panic and never polled again, so no broken invariant is observed.
        match catch_unwind(AssertUnwindSafe(|| self.inner.as_mut().poll(cx))) {
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => Poll::Ready(Err(Panicked)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passes_values_and_contains_panics() {
        assert_eq!(CatchUnwind::new(async { 7 }).await, Ok(7));
        let panicking = async {
            tokio::task::yield_now().await;
            if std::hint::black_box(true) {
                panic!("handler bug");
            }
            0
        };
        assert_eq!(CatchUnwind::new(panicking).await, Err(Panicked));
    }
}
