//! Cold-start measurement: a minimal Lambda Runtime API server on loopback, the real `webhook-receipt` binary
//! exec'd against it, and the time from exec to the first invocation response, plus the process's peak RSS.
//!
//! ```text
//! cargo build --release -p webhook-receipt
//! cargo run --release -p webhook-receipt --example cold_start -- [BINARY] [RUNS]
//! ```
//! Mode `unsigned` (HUBSPOT_WEBHOOK_UNSIGNED_DEV=1, body `[]`) measures exec -> first response without any AWS
//! call. If `MOTO_ENDPOINT` is set, mode `secret` also runs: the secret is created in moto and fetched at cold
//! start (GetSecretValue through `AWS_ENDPOINT_URL`), so the difference is the secret fetch.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[derive(Debug)]
enum Event {
    Next,
    Response(String),
    Error(String),
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, String)> {
    let mut line = String::new();
    reader.read_line(&mut line).ok().filter(|n| *n > 0)?;
    let mut len = 0;
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        if h == "\r\n" || h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some((line, String::from_utf8_lossy(&body).into_owned()))
}

fn serve(stream: TcpStream, tx: mpsc::Sender<Event>, event: String) {
    let Ok(mut writer) = stream.try_clone() else { return };
    let mut reader = BufReader::new(stream);
    let mut served_next = false;
    while let Some((line, body)) = read_request(&mut reader) {
        if line.starts_with("GET /2018-06-01/runtime/invocation/next") {
            let _ = tx.send(Event::Next);
            if served_next {
                std::thread::sleep(Duration::from_secs(3600)); // hold the second poll; the process gets killed
                return;
            }
            served_next = true;
            let deadline = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() + 30_000);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: req-1\r\n\
                 Lambda-Runtime-Deadline-Ms: {deadline}\r\nLambda-Runtime-Invoked-Function-Arn: \
                 arn:aws:lambda:us-east-1:123456789012:function:webhook-receipt\r\nContent-Length: {}\r\n\r\n",
                event.len()
            );
            let _ = writer
                .write_all(head.as_bytes())
                .and_then(|_| writer.write_all(event.as_bytes()));
        } else {
            let ev = if line.contains("/response") {
                Event::Response(body)
            } else {
                Event::Error(line + &body)
            };
            let _ = tx.send(ev);
            let _ = writer.write_all(b"HTTP/1.1 202 Accepted\r\nContent-Length: 16\r\n\r\n{\"status\":\"OK\"}\n");
        }
    }
}

fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn run_once(bin: &str, env: &[(String, String)]) -> Result<(Duration, Duration, u64), String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let (tx, rx) = mpsc::channel();
    let event = serde_json::json!({
        "httpMethod": "POST", "path": "/async/webhook", "headers": {"content-type": "application/json"},
        "multiValueHeaders": {}, "queryStringParameters": null, "multiValueQueryStringParameters": null,
        "pathParameters": null, "stageVariables": null, "requestContext": {"requestId": "cold-1", "httpMethod": "POST"},
        "body": "[]", "isBase64Encoded": false
    })
    .to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (tx, event) = (tx.clone(), event.clone());
            std::thread::spawn(move || serve(stream, tx, event));
        }
    });
    let start = Instant::now();
    let mut child = Command::new(bin)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("spawn {bin}: {e}"))?;
    let mut init = None;
    let result = loop {
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Event::Next) if init.is_none() => init = Some(start.elapsed()),
            Ok(Event::Next) => {}
            Ok(Event::Response(body)) => break Ok((init.unwrap_or_default(), start.elapsed(), body)),
            Ok(Event::Error(e)) => break Err(format!("runtime error: {e}")),
            Err(_) => break Err("no response within 10 s".to_owned()),
        }
    };
    std::thread::sleep(Duration::from_millis(20)); // let it poll /next again, then read its peak RSS
    let rss = peak_rss_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    let (init, first, body) = result?;
    if !body.contains("\"statusCode\":200") {
        return Err(format!("unexpected response {body}"));
    }
    Ok((init, first, rss))
}

fn report(mode: &str, bin: &str, runs: usize, env: &[(String, String)]) {
    let mut firsts = Vec::new();
    let mut inits = Vec::new();
    let mut rss = 0;
    for _ in 0..runs {
        match run_once(bin, env) {
            Ok((i, f, r)) => {
                inits.push(i);
                firsts.push(f);
                rss = rss.max(r);
            }
            Err(e) => {
                eprintln!("{mode}: {e}");
                return;
            }
        }
    }
    firsts.sort();
    inits.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{mode}: {runs} runs, exec->first /next (init) median {:.1} ms; exec->first response median {:.1} ms, p90 {:.1} ms, max {:.1} ms; peak RSS {:.1} MiB",
        ms(inits[inits.len() / 2]),
        ms(firsts[firsts.len() / 2]),
        ms(firsts[firsts.len() * 9 / 10]),
        ms(firsts[firsts.len() - 1]),
        rss as f64 / 1024.0
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bin = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "target/release/webhook-receipt".to_owned());
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(20).max(1);
    let base: Vec<(String, String)> = [
        ("AWS_LAMBDA_FUNCTION_NAME", "webhook-receipt"),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "local"),
        ("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/webhook-receipt"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("SYNC_QUEUE_URL", "http://127.0.0.1:9/123456789012/sync.fifo"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let mut unsigned = base.clone();
    unsigned.push(("HUBSPOT_WEBHOOK_UNSIGNED_DEV".into(), "1".into()));
    report("unsigned (no AWS call at init)", &bin, runs, &unsigned);

    let Ok(endpoint) = std::env::var("MOTO_ENDPOINT") else {
        println!("secret: skipped (set MOTO_ENDPOINT to include the GetSecretValue fetch)");
        return;
    };
    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        return;
    };
    let secret = rt.block_on(async {
        let moto = moto_harness::MotoServer::try_shared().map_err(|e| e.to_string())?;
        moto.create_secret("coldstart", "cold-start-secret")
            .await
            .map_err(|e| e.to_string())
    });
    let secret = match secret {
        Ok(s) => s,
        Err(e) => return eprintln!("secret: {e}"),
    };
    let mut signed = base;
    signed.push(("AWS_ENDPOINT_URL".into(), endpoint));
    signed.push(("HUBSPOT_WEBHOOK_SECRET_ARN".into(), secret.arn));
    signed.push((
        "WEBHOOK_PUBLIC_URL".into(),
        "https://hooks.example.com/async/webhook".into(),
    ));
    // The request is unsigned, so the handler answers 401; measure init (which includes the secret fetch) only.
    report_init_only(&bin, runs, &signed);
}

fn report_init_only(bin: &str, runs: usize, env: &[(String, String)]) {
    let mut inits = Vec::new();
    for _ in 0..runs {
        let listener = TcpListener::bind("127.0.0.1:0");
        let Ok(listener) = listener else { return };
        let Ok(addr) = listener.local_addr() else { return };
        let start = Instant::now();
        let child = Command::new(bin)
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn();
        let Ok(mut child) = child else {
            return eprintln!("spawn failed");
        };
        // The first connection and request line = init finished (config, SDK, GetSecretValue).
        if let Ok((stream, _)) = listener.accept() {
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            if line.contains("/invocation/next") {
                inits.push(start.elapsed());
            } else {
                eprintln!("secret mode: init failed: {line}");
            }
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    inits.sort();
    if let Some(median) = inits.get(inits.len() / 2) {
        println!(
            "secret (GetSecretValue from moto at init): {} runs, exec->first /next median {:.1} ms",
            inits.len(),
            median.as_secs_f64() * 1000.0
        );
    }
}
