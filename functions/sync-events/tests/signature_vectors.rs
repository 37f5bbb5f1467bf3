//! HubSpot's published signature vectors (domain.md §1.4) plus the rejection cases: stale and future timestamps,
//! wrong secret, tampered body, malformed headers, v3 never falling back to v1.

#![allow(clippy::unwrap_used)] // test helpers may unwrap (fixtures are trusted)

use sync_events::signature::{
    MAX_FUTURE_SKEW_MS, MAX_TIMESTAMP_AGE_MS, SignatureConfigError, decode_signed_uri, sign_v1, sign_v2, sign_v3,
};
use sync_events::{SignatureError, SignatureHeaders, SignatureVersion, WebhookVerifier};

const SECRET: &str = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
const URI: &str = "https://www.example.com/webhook_uri";
const BODY: &[u8] = b"{'example_field':'example_value'}";
const DOCS_V1_BODY: &[u8] = br#"[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]"#;

fn verifier() -> WebhookVerifier {
    WebhookVerifier::new(SECRET, URI).unwrap()
}

fn v3<'a>(sig: &'a str, ts: &'a str) -> SignatureHeaders<'a> {
    SignatureHeaders {
        signature_v3: Some(sig),
        request_timestamp: Some(ts),
        ..Default::default()
    }
}

fn legacy<'a>(sig: &'a str, version: Option<&'a str>) -> SignatureHeaders<'a> {
    SignatureHeaders {
        signature: Some(sig),
        signature_version: version,
        ..Default::default()
    }
}

#[test]
fn v1_published_vectors() {
    let v1 = "69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750";
    assert_eq!(sign_v1(SECRET, BODY), v1);
    assert_eq!(
        verifier().verify("POST", BODY, &legacy(v1, Some("v1")), 0),
        Ok(SignatureVersion::V1)
    );
    assert_eq!(
        verifier().verify("POST", BODY, &legacy(v1, None), 0),
        Ok(SignatureVersion::V1)
    );
    let docs = "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de";
    assert_eq!(sign_v1(SECRET, DOCS_V1_BODY), docs);
    // The docs' v1 body is also a committed fixture: the bytes on disk must be exactly the signed bytes.
    let fixture = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/hubspot/contact-creation-docs-v1.json"
    ));
    assert_eq!(
        verifier().verify("POST", &fixture.unwrap(), &legacy(docs, Some("v1")), 0),
        Ok(SignatureVersion::V1)
    );
}

#[test]
fn v2_published_vectors() {
    let post = "4fe4e3a7d3cf09db53be39d0a58130e2aaba074ec123a9e355b876a689a1c383";
    assert_eq!(sign_v2(SECRET, "POST", URI, BODY), post);
    assert_eq!(
        verifier().verify("POST", BODY, &legacy(post, Some("v2")), 0),
        Ok(SignatureVersion::V2)
    );
    let get = "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e";
    assert_eq!(sign_v2(SECRET, "GET", URI, b""), get);
    assert_eq!(
        verifier().verify("GET", b"", &legacy(get, Some("v2")), 0),
        Ok(SignatureVersion::V2)
    );
    let dq = "9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900";
    assert_eq!(
        sign_v2(SECRET, "POST", URI, br#"{"example_field":"example_value"}"#),
        dq
    );
}

#[test]
fn v3_published_vectors_within_the_window() {
    for (ts, expected) in [
        ("15000000", "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw="),
        ("1693657560000", "K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y="),
        ("1700000300000", "RnbPH7+UMKVkbV32P8bz450N4M56aPmcru1+D3kSDtw="),
    ] {
        assert_eq!(sign_v3(SECRET, "POST", URI, BODY, ts), expected);
        let now: i64 = ts.parse::<i64>().unwrap() + 1_000;
        assert_eq!(
            verifier().verify("POST", BODY, &v3(expected, ts), now),
            Ok(SignatureVersion::V3)
        );
    }
}

#[test]
fn v3_uri_decoding_vector() {
    let raw = "https://example.com/api/hubspot/webhooks?src=hs%3Aapp%2Fv3&x=%28a%29";
    assert_eq!(
        decode_signed_uri(raw),
        "https://example.com/api/hubspot/webhooks?src=hs:app/v3&x=(a)"
    );
    let sig = "G8ddQlikFQ0ScZOZn+MHQ0E3WCV7vOJTzKlvrkvbvuk=";
    let v = WebhookVerifier::new("autopilot-test-client-secret-0001", raw).unwrap();
    assert_eq!(
        v.verify("POST", b"[]", &v3(sig, "1790000004000"), 1790000004000),
        Ok(SignatureVersion::V3)
    );
}

#[test]
fn uri_decode_table_is_exactly_hubspots() {
    let all = "%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B";
    assert_eq!(decode_signed_uri(all), ":/?@!$'()*,;");
    assert_eq!(decode_signed_uri(&all.to_lowercase()), ":/?@!$'()*,;");
    // Escapes outside the table stay encoded; stray or truncated percent signs are kept.
    assert_eq!(decode_signed_uri("a%20b%2Bc%3D%26%"), "a%20b%2Bc%3D%26%");
    assert_eq!(decode_signed_uri("%3"), "%3");
    assert_eq!(decode_signed_uri("%%3A"), "%:");
}

#[test]
fn stale_and_future_timestamps_are_rejected_with_typed_errors() {
    let ts = 1_700_000_300_000_i64;
    let sig = "RnbPH7+UMKVkbV32P8bz450N4M56aPmcru1+D3kSDtw=";
    let h = v3(sig, "1700000300000");
    let ok = |now| verifier().verify("POST", BODY, &h, now);
    assert_eq!(ok(ts + MAX_TIMESTAMP_AGE_MS), Ok(SignatureVersion::V3));
    assert_eq!(
        ok(ts + MAX_TIMESTAMP_AGE_MS + 1),
        Err(SignatureError::Stale {
            age_ms: MAX_TIMESTAMP_AGE_MS + 1
        })
    );
    assert_eq!(ok(ts - MAX_FUTURE_SKEW_MS), Ok(SignatureVersion::V3));
    assert_eq!(
        ok(ts - MAX_FUTURE_SKEW_MS - 1),
        Err(SignatureError::FromFuture {
            ahead_ms: MAX_FUTURE_SKEW_MS + 1
        })
    );
    assert_eq!(ok(ts - 3_600_000).unwrap_err().reason(), "timestamp_future");
    assert_eq!(ok(ts + 3_600_000).unwrap_err().reason(), "timestamp_stale");
}

#[test]
fn wrong_secret_tampered_body_and_wrong_url_are_mismatches() {
    let ts = "1700000300000";
    let now = 1_700_000_300_000;
    let sig = sign_v3(SECRET, "POST", URI, BODY, ts);
    let other = WebhookVerifier::new("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", URI).unwrap();
    let mismatch = Err(SignatureError::Mismatch(SignatureVersion::V3));
    assert_eq!(other.verify("POST", BODY, &v3(&sig, ts), now), mismatch);
    assert_eq!(
        verifier().verify("POST", b"{'example_field':'example_valuE'}", &v3(&sig, ts), now),
        mismatch
    );
    assert_eq!(verifier().verify("PUT", BODY, &v3(&sig, ts), now), mismatch);
    // The timestamp is part of the signed string: replaying with a fresh timestamp fails.
    assert_eq!(
        verifier().verify("POST", BODY, &v3(&sig, "1700000300001"), now),
        mismatch
    );
    let staged = WebhookVerifier::new(SECRET, "https://www.example.com/dev/webhook_uri").unwrap();
    assert_eq!(staged.verify("POST", BODY, &v3(&sig, ts), now), mismatch);
    let v1 = sign_v1(SECRET, BODY);
    assert_eq!(
        other.verify("POST", BODY, &legacy(&v1, Some("v1")), 0),
        Err(SignatureError::Mismatch(SignatureVersion::V1))
    );
    assert_eq!(
        verifier().verify("POST", b"x", &legacy(&v1, None), 0),
        Err(SignatureError::Mismatch(SignatureVersion::V1))
    );
}

#[test]
fn missing_and_malformed_headers() {
    let now = 1_700_000_300_000;
    let v = verifier();
    assert_eq!(
        v.verify("POST", BODY, &SignatureHeaders::default(), now),
        Err(SignatureError::Missing)
    );
    let no_ts = SignatureHeaders {
        signature_v3: Some("RnbPH7+UMKVkbV32P8bz450N4M56aPmcru1+D3kSDtw="),
        ..Default::default()
    };
    assert_eq!(
        v.verify("POST", BODY, &no_ts, now),
        Err(SignatureError::MissingTimestamp)
    );
    for ts in ["", "abc", "-5", "1.7e12", "99999999999999999999999"] {
        assert_eq!(
            v.verify("POST", BODY, &v3("x", ts), now),
            Err(SignatureError::MalformedTimestamp),
            "{ts}"
        );
    }
    assert_eq!(
        v.verify("POST", BODY, &v3("not base64!", "1700000300000"), now),
        Err(SignatureError::Malformed(SignatureVersion::V3))
    );
    assert_eq!(
        v.verify("POST", BODY, &v3("AAAA", "1700000300000"), now),
        Err(SignatureError::Mismatch(SignatureVersion::V3))
    );
    assert_eq!(
        v.verify("POST", BODY, &legacy("zz", None), now),
        Err(SignatureError::Malformed(SignatureVersion::V1))
    );
    assert_eq!(
        v.verify("POST", BODY, &legacy("abcd", Some("v2")), now),
        Err(SignatureError::Malformed(SignatureVersion::V2))
    );
    assert_eq!(
        v.verify("POST", BODY, &legacy("abcd", Some("v9")), now),
        Err(SignatureError::UnsupportedVersion)
    );
}

#[test]
fn an_invalid_v3_never_falls_back_to_a_valid_v1() {
    let h = SignatureHeaders {
        signature_v3: Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        request_timestamp: Some("1700000300000"),
        signature: Some("69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750"),
        signature_version: Some("v1"),
    };
    assert_eq!(
        verifier().verify("POST", BODY, &h, 1_700_000_300_000),
        Err(SignatureError::Mismatch(SignatureVersion::V3))
    );
}

#[test]
fn configuration_is_validated_and_the_secret_is_not_printed() {
    assert_eq!(
        WebhookVerifier::new("", URI).unwrap_err(),
        SignatureConfigError::EmptySecret
    );
    for url in ["", "/async/webhook", "ftp://x", "https://"] {
        assert_eq!(
            WebhookVerifier::new(SECRET, url).unwrap_err(),
            SignatureConfigError::InvalidPublicUrl,
            "{url}"
        );
    }
    assert!(!format!("{:?}", verifier()).contains(SECRET));
}
