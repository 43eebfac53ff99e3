//! Graceful shutdown of the example service (the binary, as a child process): after SIGTERM it
//! accepts no new connection, closes idle ones, finishes the request in flight, and exits 0.

mod support;

use std::time::Duration;
use support::Service;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_in_flight_request_completes_after_sigterm() {
    let mut svc = Service::start(&[]);
    let body = br#"{"email":"ada@example.com","name":{"first":"Ada"}}"#;
    let head = format!(
        "POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nX-Request-Id: in-flight-1\r\nExpect: 100-continue\r\n\r\n",
        body.len()
    );
    // In flight: the head is sent and the server has started on it (its `100 Continue` comes when
    // the handler first reads the body: a fixed sleep raced with a slow server, whose unread
    // head is rightly closed as idle at shutdown); then half the body, and the handler waits for
    // the rest.
    let mut busy = TcpStream::connect(svc.addr).await.unwrap();
    busy.write_all(head.as_bytes()).await.unwrap();
    let mut interim = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), async {
        let mut byte = [0u8; 1];
        while !interim.ends_with(b"\r\n\r\n") {
            let n = busy.read(&mut byte).await.unwrap();
            assert_eq!(n, 1, "connection closed before 100 Continue");
            interim.push(byte[0]);
        }
    })
    .await
    .expect("the server starts on the request");
    assert!(
        interim.starts_with(b"HTTP/1.1 100"),
        "{}",
        String::from_utf8_lossy(&interim)
    );
    busy.write_all(&body[..10]).await.unwrap();
    // Idle: a keep-alive connection with no request, accepted before the signal.
    let mut idle = TcpStream::connect(svc.addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    svc.terminate();
    assert!(
        support::closed_within(&mut idle, Duration::from_secs(10)).await,
        "the idle connection is closed at shutdown"
    );
    // The listener is gone: new connections are refused (bounded wait for the signal to land).
    let mut refused = false;
    for _ in 0..50 {
        if TcpStream::connect(svc.addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(refused, "still accepting after SIGTERM");
    assert!(svc.alive(), "exited with a request in flight");

    busy.write_all(&body[10..]).await.unwrap();
    let mut buf = Vec::new();
    let r = tokio::time::timeout(
        Duration::from_secs(10),
        support::read_reply(&mut busy, &mut buf),
    )
    .await
    .expect("the in-flight request is answered");
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.header("x-request-id"), Some("in-flight-1"));
    assert_eq!(r.json()["email"], "ada@example.com");

    let status = svc
        .wait(Duration::from_secs(15))
        .expect("the service exits after its last request");
    assert!(status.success(), "exit status {status:?}");
}
