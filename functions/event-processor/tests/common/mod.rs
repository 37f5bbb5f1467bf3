//! Shared helpers for the engine tests: a scripted test double of [`RecordProcessor`] and SQS event builders.
//!
//! The double decodes bodies of the form `{"key": "...", "type": "..."}`, skips types starting with
//! `unsupported`, and answers each `process` call from a per-key script (default: processed). It records every
//! call, so tests can assert what was run, in which order, and with which coalesced items.

#![allow(dead_code, clippy::unwrap_used)]

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use event_processor::engine::{ItemLabels, RecordProcessor, Route};
use event_processor::outcome::{Classify, Completion, FailureClass};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub key: String,
    pub kind: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestError(pub FailureClass);

impl fmt::Display for TestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "scripted {} failure", self.0)
    }
}

impl Classify for TestError {
    fn class(&self) -> FailureClass {
        self.0
    }
    fn code(&self) -> Cow<'static, str> {
        Cow::Owned(format!("test.{}", self.0))
    }
}

/// What the double does when a key is processed.
#[derive(Debug, Clone)]
pub enum Script {
    Ok,
    Fail(FailureClass),
    SkipObject,
    Sleep(Duration),
    Panic,
}

#[derive(Debug, Default)]
pub struct Double {
    scripts: Mutex<HashMap<String, Vec<Script>>>,
    /// (key, message ids of the coalesced items) per process call, in call order.
    pub calls: Mutex<Vec<(String, Vec<String>)>>,
    /// keys passed to the permanent-failure hook.
    pub surfaced: Mutex<Vec<String>>,
}

impl Double {
    pub fn new() -> Self {
        Self::default()
    }

    /// Scripts the answers for `key`, one per call (the last one repeats).
    pub fn script(self, key: &str, answers: Vec<Script>) -> Self {
        self.scripts.lock().unwrap().insert(key.to_owned(), answers);
        self
    }

    pub fn calls(&self) -> Vec<(String, Vec<String>)> {
        self.calls.lock().unwrap().clone()
    }

    pub fn called_messages(&self) -> Vec<String> {
        self.calls().into_iter().flat_map(|(_, m)| m).collect()
    }

    fn next(&self, key: &str) -> Script {
        let mut scripts = self.scripts.lock().unwrap();
        match scripts.get_mut(key) {
            Some(list) if list.len() > 1 => list.remove(0),
            Some(list) => list.first().cloned().unwrap_or(Script::Ok),
            None => Script::Ok,
        }
    }
}

#[derive(Debug)]
pub struct DecodeError(String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl RecordProcessor for Double {
    type Item = Item;
    type Key = String;
    type DecodeError = DecodeError;
    type Error = TestError;

    fn decode(&self, body: &str) -> Result<Item, DecodeError> {
        let v: serde_json::Value =
            serde_json::from_str(body).map_err(|e| DecodeError(format!("json: {}", e.classify() as u8)))?;
        let key = v["key"].as_str().ok_or_else(|| DecodeError("no key".into()))?;
        Ok(Item {
            key: key.to_owned(),
            kind: v["type"].as_str().unwrap_or("test.event").to_owned(),
            message: v["m"].as_str().unwrap_or_default().to_owned(),
        })
    }

    fn route(&self, item: &Item) -> Route<String> {
        if item.kind.starts_with("unsupported") {
            Route::Skip(Cow::Borrowed("unsupported_type"))
        } else {
            Route::Process(item.key.clone())
        }
    }

    fn labels(&self, item: &Item) -> ItemLabels {
        ItemLabels {
            event_type: item.kind.clone(),
            correlation_id: Some(format!("corr-{}", item.message)),
        }
    }

    async fn process<'a>(&'a self, key: &'a String, items: &'a [&'a Item]) -> Result<Completion, TestError> {
        self.calls
            .lock()
            .unwrap()
            .push((key.clone(), items.iter().map(|i| i.message.clone()).collect()));
        match self.next(key) {
            Script::Ok => Ok(Completion::processed("synced")),
            Script::SkipObject => Ok(Completion::skipped("not_in_scope")),
            Script::Fail(class) => Err(TestError(class)),
            Script::Panic => panic!("scripted handler bug"),
            Script::Sleep(d) => {
                tokio::time::sleep(d).await;
                Ok(Completion::processed("slow"))
            }
        }
    }

    async fn on_permanent_failure<'a>(&'a self, key: &'a String, _items: &'a [&'a Item], _e: &'a TestError) {
        self.surfaced.lock().unwrap().push(key.clone());
    }
}

/// One record: (message id, group, body, receive count).
pub fn record(id: &str, group: &str, body: &str, receive_count: u32) -> SqsMessage {
    let mut m = SqsMessage::default();
    m.message_id = Some(id.to_owned());
    m.body = Some(body.to_owned());
    m.attributes = [
        ("MessageGroupId".to_owned(), group.to_owned()),
        ("ApproximateReceiveCount".to_owned(), receive_count.to_string()),
    ]
    .into_iter()
    .collect();
    m
}

/// A body for the double.
pub fn body(key: &str, message: &str) -> String {
    serde_json::json!({"key": key, "type": "test.event", "m": message}).to_string()
}

pub fn event(records: Vec<SqsMessage>) -> SqsEvent {
    let mut e = SqsEvent::default();
    e.records = records;
    e
}
