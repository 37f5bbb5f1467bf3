//! Intrinsic functions as data: [`Expr`] (long-form serialization only) and [`Val`], a literal-or-intrinsic
//! value used by numeric and boolean properties.

use std::collections::BTreeMap;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::id::LogicalId;

/// CloudFormation pseudo parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Pseudo {
    /// `AWS::AccountId`
    AccountId,
    /// `AWS::Region`
    Region,
    /// `AWS::Partition`
    Partition,
    /// `AWS::StackName`
    StackName,
    /// `AWS::StackId`
    StackId,
    /// `AWS::URLSuffix`
    UrlSuffix,
    /// `AWS::NoValue`
    NoValue,
}

impl Pseudo {
    /// Every pseudo parameter, for Sub validation.
    pub const ALL: [Pseudo; 7] = [
        Pseudo::AccountId,
        Pseudo::Region,
        Pseudo::Partition,
        Pseudo::StackName,
        Pseudo::StackId,
        Pseudo::UrlSuffix,
        Pseudo::NoValue,
    ];

    /// The name CloudFormation uses.
    pub fn name(self) -> &'static str {
        match self {
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::Region => "AWS::Region",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::StackId => "AWS::StackId",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
            Pseudo::NoValue => "AWS::NoValue",
        }
    }
}

/// A string-valued CloudFormation expression (or list for `Join`/`Select` inputs).
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A literal string.
    Lit(String),
    /// `{"Ref": id}` of a resource or parameter. Built through typed handles, never by hand.
    Ref(LogicalId),
    /// `{"Ref": "AWS::..."}`
    Pseudo(Pseudo),
    /// `{"Fn::GetAtt": [id, attr]}`. Built through typed handles.
    GetAtt(LogicalId, &'static str),
    /// `{"Fn::Sub": text}` or `{"Fn::Sub": [text, vars]}`.
    Sub(String, BTreeMap<String, Expr>),
    /// `{"Fn::Join": [sep, items]}`
    Join(String, Vec<Expr>),
    /// `{"Fn::If": [condition, then, else]}`
    If(LogicalId, Box<Expr>, Box<Expr>),
    /// `{"Fn::Equals": [a, b]}` (condition expression)
    Equals(Box<Expr>, Box<Expr>),
    /// `{"Fn::Not": [c]}` (condition expression)
    Not(Box<Expr>),
    /// `{"Condition": name}` inside condition expressions.
    Condition(LogicalId),
    /// `{"Fn::Select": [index, list]}`
    Select(u32, Box<Expr>),
    /// `{"Fn::Split": [sep, value]}`
    Split(String, Box<Expr>),
    /// `{"Fn::ImportValue": name}`
    ImportValue(Box<Expr>),
    /// A list of expressions.
    List(Vec<Expr>),
}

impl Expr {
    /// A literal.
    pub fn lit(s: impl Into<String>) -> Self {
        Expr::Lit(s.into())
    }

    /// `Fn::Sub` without variables; placeholders must name parameters, resources or pseudo parameters.
    pub fn sub(text: impl Into<String>) -> Self {
        Expr::Sub(text.into(), BTreeMap::new())
    }

    /// `Fn::Sub` with a variable map.
    pub fn sub_with<I, K>(text: impl Into<String>, vars: I) -> Self
    where
        I: IntoIterator<Item = (K, Expr)>,
        K: Into<String>,
    {
        Expr::Sub(text.into(), vars.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// `Fn::ImportValue` of a literal export name.
    pub fn import(name: impl Into<String>) -> Self {
        Expr::ImportValue(Box::new(Expr::Lit(name.into())))
    }

    /// `Fn::If`
    pub fn if_(cond: &LogicalId, then: Expr, otherwise: Expr) -> Self {
        Expr::If(cond.clone(), Box::new(then), Box::new(otherwise))
    }

    /// `Fn::Equals`
    pub fn equals(a: Expr, b: Expr) -> Self {
        Expr::Equals(Box::new(a), Box::new(b))
    }

    /// `Fn::Not`
    pub fn negate(c: Expr) -> Self {
        Expr::Not(Box::new(c))
    }

    /// `Fn::Select`
    pub fn select(index: u32, list: Expr) -> Self {
        Expr::Select(index, Box::new(list))
    }

    /// `Fn::Split`
    pub fn split(sep: impl Into<String>, value: Expr) -> Self {
        Expr::Split(sep.into(), Box::new(value))
    }

    /// `Fn::Join`
    pub fn join(sep: impl Into<String>, items: Vec<Expr>) -> Self {
        Expr::Join(sep.into(), items)
    }

    /// The literal text when this is a literal.
    pub fn as_lit(&self) -> Option<&str> {
        match self {
            Expr::Lit(s) => Some(s),
            _ => None,
        }
    }
}

impl From<&str> for Expr {
    fn from(s: &str) -> Self {
        Expr::Lit(s.to_owned())
    }
}

impl From<String> for Expr {
    fn from(s: String) -> Self {
        Expr::Lit(s)
    }
}

impl From<Pseudo> for Expr {
    fn from(p: Pseudo) -> Self {
        Expr::Pseudo(p)
    }
}

struct Pair<'a, A: Serialize, B: Serialize>(&'a A, &'a B);

impl<A: Serialize, B: Serialize> Serialize for Pair<'_, A, B> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(2))?;
        seq.serialize_element(self.0)?;
        seq.serialize_element(self.1)?;
        seq.end()
    }
}

struct IfArgs<'a>(&'a str, &'a Expr, &'a Expr);

impl Serialize for IfArgs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(3))?;
        seq.serialize_element(self.0)?;
        seq.serialize_element(self.1)?;
        seq.serialize_element(self.2)?;
        seq.end()
    }
}

fn one<S: Serializer, V: Serialize + ?Sized>(s: S, key: &str, value: &V) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(1))?;
    map.serialize_entry(key, value)?;
    map.end()
}

impl Serialize for Expr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Expr::Lit(v) => s.serialize_str(v),
            Expr::Ref(id) => one(s, "Ref", id.as_str()),
            Expr::Pseudo(p) => one(s, "Ref", p.name()),
            Expr::GetAtt(id, attr) => one(s, "Fn::GetAtt", &[id.as_str(), attr]),
            Expr::Sub(text, vars) if vars.is_empty() => one(s, "Fn::Sub", text),
            Expr::Sub(text, vars) => one(s, "Fn::Sub", &Pair(text, vars)),
            Expr::Join(sep, items) => one(s, "Fn::Join", &Pair(sep, items)),
            Expr::If(c, a, b) => one(s, "Fn::If", &IfArgs(c.as_str(), a, b)),
            Expr::Equals(a, b) => one(s, "Fn::Equals", &Pair(a, b)),
            Expr::Not(c) => one(s, "Fn::Not", &[c]),
            Expr::Condition(c) => one(s, "Condition", c.as_str()),
            Expr::Select(i, list) => one(s, "Fn::Select", &Pair(&i.to_string(), list)),
            Expr::Split(sep, v) => one(s, "Fn::Split", &Pair(sep, v)),
            Expr::ImportValue(v) => one(s, "Fn::ImportValue", v),
            Expr::List(items) => items.serialize(s),
        }
    }
}

/// A literal of type `T` or an intrinsic, so numeric and boolean properties accept intrinsics.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<T> {
    /// A literal value.
    Lit(T),
    /// An intrinsic.
    Expr(Expr),
}

impl<T: Serialize> Serialize for Val<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Val::Lit(v) => v.serialize(s),
            Val::Expr(e) => e.serialize(s),
        }
    }
}

impl<T> From<T> for Val<T> {
    fn from(v: T) -> Self {
        Val::Lit(v)
    }
}

impl<T> Val<T> {
    /// The literal, when this is one.
    pub fn lit(&self) -> Option<&T> {
        match self {
            Val::Lit(v) => Some(v),
            Val::Expr(_) => None,
        }
    }
}

/// The placeholders of a `Fn::Sub` string: `${Name}` / `${Name.Attr}`; `${!Literal}` is skipped.
pub fn sub_placeholders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                if !name.starts_with('!') {
                    out.push(name.trim().to_owned());
                }
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_long_form() {
        let id = LogicalId::new("Q").unwrap();
        let v = |e: &Expr| serde_json::to_string(e).unwrap();
        assert_eq!(v(&Expr::Ref(id.clone())), r#"{"Ref":"Q"}"#);
        assert_eq!(v(&Expr::GetAtt(id.clone(), "Arn")), r#"{"Fn::GetAtt":["Q","Arn"]}"#);
        assert_eq!(v(&Expr::sub("a${Q}")), r#"{"Fn::Sub":"a${Q}"}"#);
        assert_eq!(
            v(&Expr::sub_with("${X}", [("X", Expr::lit("y"))])),
            r#"{"Fn::Sub":["${X}",{"X":"y"}]}"#
        );
        assert_eq!(
            v(&Expr::if_(&id, Expr::lit("a"), Expr::Pseudo(Pseudo::NoValue))),
            r#"{"Fn::If":["Q","a",{"Ref":"AWS::NoValue"}]}"#
        );
        assert_eq!(
            v(&Expr::negate(Expr::equals(Expr::lit(""), Expr::lit("x")))),
            r#"{"Fn::Not":[{"Fn::Equals":["","x"]}]}"#
        );
        assert_eq!(
            v(&Expr::select(1, Expr::split("/", Expr::lit("a/b")))),
            r#"{"Fn::Select":["1",{"Fn::Split":["/","a/b"]}]}"#
        );
        assert_eq!(v(&Expr::import("e")), r#"{"Fn::ImportValue":"e"}"#);
        assert_eq!(v(&Expr::join(",", vec![Expr::lit("a")])), r#"{"Fn::Join":[",",["a"]]}"#);
        let n: Val<u32> = Val::Expr(Expr::Ref(id));
        assert_eq!(serde_json::to_string(&n).unwrap(), r#"{"Ref":"Q"}"#);
        assert_eq!(serde_json::to_string(&Val::Lit(3u32)).unwrap(), "3");
    }

    #[test]
    fn finds_sub_placeholders() {
        assert_eq!(
            sub_placeholders("a${X}b${Y.Arn}${!Lit}${ AWS::Region }"),
            vec!["X", "Y.Arn", "AWS::Region"]
        );
    }
}
