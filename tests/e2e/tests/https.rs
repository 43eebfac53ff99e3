//! HTTPS by default: `specs/user.json` declares an `https://` base URL, and the generated client
//! (charter-runtime's default features include `rustls`) speaks TLS to it. No network: a listener
//! on 127.0.0.1 reads the first bytes the client sends and finds a TLS handshake, not an error
//! for an unsupported scheme (what a client built without TLS support answers).

use charter_e2e::io_charter_user_v0 as user;
use charter_runtime::client::{Error, RetryPolicy};
use std::io::Read;
use std::time::Duration;

#[tokio::test]
async fn the_client_speaks_tls_to_an_https_base_url() {
    assert!(user::client::BASE_URL.starts_with("https://"));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let first_bytes = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut buf = [0u8; 3];
        s.read_exact(&mut buf).unwrap();
        buf // dropping the socket ends the handshake
    });
    let builder = user::client::Client::builder(format!("https://127.0.0.1:{port}"))
        .with_timeout(Some(Duration::from_secs(10)))
        .with_retry(RetryPolicy {
            max_retries: 0,
            initial_backoff: Duration::ZERO,
        });
    let client = user::client::Client::from_builder(builder);
    let err = client.users().get_by_id("usr-1").await.unwrap_err();
    // A TLS record of type handshake (22), protocol version 3.x: a ClientHello.
    let hello = first_bytes.join().unwrap();
    assert_eq!((hello[0], hello[1]), (0x16, 0x03), "{hello:?}");
    // The handshake could not finish (the listener hung up): a transport error whose text says
    // why, through its source chain.
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.starts_with("transport error: "), "{text}");
    assert!(!text.contains("scheme"), "{text}");
}
