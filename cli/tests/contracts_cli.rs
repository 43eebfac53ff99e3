//! `charter stub` and `charter verify` as processes: the stub serves the example `user` service on
//! 127.0.0.1, verify replays a cassette against it (exit 0 compatible, 1 breaking, 2 unreachable).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn charter() -> Command {
    Command::new(env!("CARGO_BIN_EXE_charter"))
}

fn specs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

/// A running `charter stub` and its base URL; killed on drop.
struct StubProcess(Child, String);

impl Drop for StubProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_stub() -> StubProcess {
    let mut child = charter()
        .arg("stub")
        .arg(specs())
        .args(["--service", "io.charter.user.v0", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    StubProcess(child, url)
}

/// One HTTP/1.1 request over a plain socket: (status, body).
fn http(base: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out[9..12].parse().unwrap();
    let body = out.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    (status, body)
}

fn cassette(dir: &Path, response_user: serde_json::Value) -> PathBuf {
    let c = serde_json::json!({
        "charter_cassette": 1,
        "interactions": [{
            "request": {"method": "GET", "path": "/users/usr-1", "headers": {"accept": "application/json"}},
            "response": {"status": 200, "body": response_user}
        }]
    });
    let p = dir.join("users.json");
    std::fs::write(&p, serde_json::to_string_pretty(&c).unwrap()).unwrap();
    p
}

#[test]
fn stub_serves_and_verify_judges() {
    let stub = start_stub();
    let (status, body) = http(&stub.1, "GET", "/users/usr-1", "");
    assert_eq!(status, 200, "{body}");
    let user: serde_json::Value = serde_json::from_str(body.trim()).unwrap_or_default();
    assert!(user["id"].is_string(), "{body}");
    let (status, _) = http(&stub.1, "GET", "/users?limit=0", "");
    assert_eq!(status, 422);
    let (status, _) = http(&stub.1, "POST", "/users", "{");
    assert_eq!(status, 400);

    let dir = std::env::temp_dir().join(format!("charter-contracts-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |cassettes: &Path, base: &str, format: &str| {
        charter()
            .arg("verify")
            .arg("--cassettes")
            .arg(cassettes)
            .arg("--spec")
            .arg(specs())
            .args(["--base-url", base, "--format", format])
            .output()
            .unwrap()
    };
    // What the stub answers is what the consumer recorded (by shape).
    let same = cassette(&dir, user.clone());
    let out = run(&same, &stub.1, "human");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 interaction(s) verified: 0 breaking"));

    // The recording read a field the provider does not send.
    let mut more = user.clone();
    more["nickname"] = "ada".into();
    let used = cassette(&dir, more);
    let out = run(&used, &stub.1, "json");
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"][0]["rule"], "FIELD_REMOVED");
    assert_eq!(report["findings"][0]["class"], "breaking");
    assert_eq!(report["findings"][0]["pointer"], "/nickname");

    // An unreachable provider is an I/O error.
    let out = run(&same, "http://127.0.0.1:9", "human");
    assert_eq!(out.status.code(), Some(2));
    // An unknown service is a usage error of the stub.
    let out = charter()
        .arg("stub")
        .arg(specs())
        .args(["--service", "nope", "--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no service `nope`"));
}
