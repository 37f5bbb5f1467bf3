//! The harness against a real moto_server: shared server, FIFO queue + DLQ, secret, depth and drain in order.

use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use moto_harness::{MotoServer, unique_name};

#[tokio::test]
async fn fifo_queue_secret_and_drain_in_group_order() {
    let moto = MotoServer::shared();
    let q = moto.create_fifo_queue("harness").await.unwrap();
    assert!(q.url.ends_with(".fifo") && q.dlq_url.ends_with("-dlq.fifo"));
    assert!(q.arn.starts_with("arn:aws:sqs:") && q.dlq_arn.starts_with("arn:aws:sqs:"));
    let sqs = aws_sdk_sqs::Client::new(&moto.sdk_config().await);
    let entries: Vec<_> = (0..6)
        .map(|i| {
            SendMessageBatchRequestEntry::builder()
                .id(format!("m{i}"))
                .message_body(format!("n{i}"))
                .message_group_id(format!("g{}", i % 2))
                .message_deduplication_id(format!("d{i}"))
                .build()
                .unwrap()
        })
        .collect();
    let out = sqs
        .send_message_batch()
        .queue_url(&q.url)
        .set_entries(Some(entries))
        .send()
        .await
        .unwrap();
    assert_eq!(out.successful().len(), 6);
    assert_eq!(moto.queue_depth(&q.url).await.unwrap(), 6);
    let drained = moto.drain_queue(&q.url).await.unwrap();
    let group = |g: &str| {
        drained
            .iter()
            .filter(|m| m.group_id.as_deref() == Some(g))
            .map(|m| m.body.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(group("g0"), ["n0", "n2", "n4"]);
    assert_eq!(group("g1"), ["n1", "n3", "n5"]);
    assert_eq!(drained[0].deduplication_id.as_deref(), Some("d0"));
    assert_eq!(moto.queue_depth(&q.url).await.unwrap(), 0);

    let secret = moto.create_secret("harness", "s3cr3t").await.unwrap();
    let sm = aws_sdk_secretsmanager::Client::new(&moto.sdk_config().await);
    let got = sm.get_secret_value().secret_id(&secret.arn).send().await.unwrap();
    assert_eq!(got.secret_string(), Some("s3cr3t"));
}

#[test]
fn unique_names_differ_and_are_short() {
    let a = unique_name("a-very-long-prefix-that-gets-truncated-here");
    let b = unique_name("a-very-long-prefix-that-gets-truncated-here");
    assert_ne!(a, b);
    assert!(a.len() + "-dlq.fifo".len() <= 80, "{a}");
}

#[test]
fn a_private_server_is_killed_on_drop() {
    if std::env::var_os(moto_harness::ENV_ENDPOINT).is_some() {
        return; // an external server is not ours to start or kill
    }
    let server = MotoServer::start().unwrap();
    assert!(server.is_owned());
    let port: u16 = server.endpoint().rsplit(':').next().unwrap().parse().unwrap();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
    drop(server);
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}
