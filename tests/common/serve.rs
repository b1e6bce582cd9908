//! Running `zhiku serve` in tests: start on a free port, read its Server-Sent Events, fetch
//! files over plain HTTP/1.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// A `zhiku serve` child process; killed on drop.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    /// Start `zhiku serve --root <root>` on a free port and wait for "serving … at".
    pub fn start(root: &Path) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Server::start_on(root, port)
    }

    /// Start on a given port (e.g. to restart a server where browsers expect it).
    pub fn start_on(root: &Path, port: u16) -> Server {
        let mut child = super::zhiku()
            .args(["serve", "--root"])
            .arg(root)
            .args(["--port", &port.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start zhiku serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("[serve] {line}");
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        let port = loop {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(line) if line.starts_with("serving ") => {
                    let url = line
                        .split(" at ")
                        .nth(1)
                        .unwrap()
                        .split_whitespace()
                        .next()
                        .unwrap()
                        .to_string();
                    break url
                        .trim_end_matches('/')
                        .rsplit(':')
                        .next()
                        .unwrap()
                        .parse()
                        .unwrap_or(port);
                }
                Ok(_) => {}
                Err(_) if Instant::now() > deadline => panic!("zhiku serve did not start"),
                Err(_) => {}
            }
        };
        Server { child, port }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }

    /// Send SIGINT (what Ctrl-C sends) and wait up to `limit` for the process to exit.
    /// Returns how long it took, or `None` if it was still running (it is then killed).
    pub fn interrupt(&mut self, limit: Duration) -> Option<Duration> {
        let pid = libc::pid_t::try_from(self.child.id()).unwrap();
        assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(_)) = self.child.try_wait() {
                return Some(start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Is the server process still running?
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// GET `path`: (status, content-type, body).
    pub fn get(&self, path: &str) -> (u16, String, Vec<u8>) {
        http_get(self.port, path)
    }

    /// Connect to the event stream and return the data of its first (`hello`) event.
    pub fn events_hello(&self) -> String {
        let ev = self.events_raw();
        match ev.next(Duration::from_secs(10)) {
            Some((n, d)) if n == "hello" => d,
            other => panic!("expected hello, got {other:?}"),
        }
    }

    fn events_raw(&self) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "GET /__zhiku/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        Events::reading(s)
    }

    /// Subscribe to `/__zhiku/events`; events arrive as (event, data).
    pub fn events(&self) -> Events {
        let ev = self.events_raw();
        let (name, _) = ev.next(Duration::from_secs(10)).expect("hello event");
        assert_eq!(name, "hello");
        ev
    }
}

impl Events {
    fn reading(s: TcpStream) -> Events {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(s);
            let mut event = String::new();
            let mut data: Vec<String> = Vec::new();
            let mut line = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let l = line.trim_end_matches(['\r', '\n']);
                if let Some(e) = l.strip_prefix("event: ") {
                    event = e.to_string();
                } else if let Some(d) = l.strip_prefix("data: ").or_else(|| l.strip_prefix("data:"))
                {
                    data.push(d.to_string());
                } else if l.is_empty() && !event.is_empty() {
                    let _ = tx.send((std::mem::take(&mut event), data.join("\n")));
                    data.clear();
                }
            }
        });
        Events { rx }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A subscription to the event stream.
pub struct Events {
    rx: Receiver<(String, String)>,
}

impl Events {
    pub fn next(&self, timeout: Duration) -> Option<(String, String)> {
        self.rx.recv_timeout(timeout).ok()
    }

    /// The next `reload` or `error` event whose data satisfies `pred` (skipping others).
    pub fn wait(&self, name: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some((n, d)) = self.next(Duration::from_millis(200)) {
                if n == name && pred(&d) {
                    return d;
                }
            }
        }
        panic!("no `{name}` event matched within 20 s");
    }
}

/// A minimal HTTP/1.1 GET.
pub fn http_get(port: u16, path: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers");
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let body = buf[split + 4..].to_vec();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let ct = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_string)
        })
        .unwrap_or_default();
    (status, ct, body)
}
