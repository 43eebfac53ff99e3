//! The data-map diagram: the trace's dot graph drawn as SVG by Graphviz `dot`, when it is
//! installed (Debian package `graphviz`). Without it the data map shows its plain lists only and
//! says why.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Whether and how to draw the diagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Graphviz {
    /// `dot` from `PATH` when present; the plain list otherwise.
    Auto,
    /// This `dot` executable.
    Path(PathBuf),
    /// No diagram (the plain list only).
    Off,
}

/// How long `dot` may take before the diagram is given up.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Renders `dot` source to SVG (without the XML prolog), or says why there is no diagram.
pub fn render_svg(dot: &str, graphviz: &Graphviz) -> Result<String, String> {
    let exe = match graphviz {
        Graphviz::Off => return Err("The diagram was not drawn (--no-diagram).".to_owned()),
        Graphviz::Auto => PathBuf::from("dot"),
        Graphviz::Path(p) => p.clone(),
    };
    let mut child = Command::new(&exe)
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!(
                "No diagram: Graphviz `{}` could not be run ({e}); install Graphviz (Debian: graphviz) to draw it.",
                exe.display()
            )
        })?;
    let input = dot.as_bytes().to_vec();
    let mut stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(&input);
        }
    });
    // Read stdout on a thread so a large SVG cannot fill the pipe while we wait.
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = std::io::Read::read_to_end(s, &mut out);
        }
        out
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "No diagram: Graphviz took longer than {}s.",
                    TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("No diagram: waiting for Graphviz failed ({e}).")),
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut e, &mut err);
        }
        return Err(format!("No diagram: Graphviz failed ({}).", err.trim()));
    }
    let svg = String::from_utf8(out).map_err(|_| "No diagram: Graphviz wrote invalid UTF-8.")?;
    let start = svg
        .find("<svg")
        .ok_or("No diagram: Graphviz wrote no <svg> element.")?;
    Ok(svg[start..].to_owned())
}
