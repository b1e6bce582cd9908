//! Headless Chromium for tests, driven through chromedriver (WebDriver) with fantoccini.
//!
//! Browser tests never skip: when Chromium or chromedriver is missing they fail and say how
//! to install them (`.ci/run` installs them with apt-get).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A running chromedriver plus one browser session; both end when dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    /// Start chromedriver and a headless Chromium session (window 1280×900).
    pub async fn start() -> Browser {
        for (bin, pkg) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
            assert!(
                std::path::Path::new(bin).exists(),
                "{bin} is missing: browser tests need Debian's Chromium. Install it with \
                 `apt-get update && apt-get install -y chromium chromium-driver` (package {pkg}), \
                 or run the whole suite with `.ci/run`, which installs it."
            );
        }
        // Two rustls crypto providers are compiled in (ring for ureq, aws-lc-rs for
        // fantoccini's hyper-rustls): choose one for the process.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            match ClientBuilder::rustls()
                .expect("tls")
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("cannot start a Chromium session through chromedriver: {e}"),
            }
        };
        Browser {
            client,
            driver,
            _profile: profile,
        }
    }

    /// Run JavaScript in the page and return its result.
    pub async fn js(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .expect("execute script")
    }

    /// Wait until `script` returns a truthy value (up to `secs` seconds).
    pub async fn wait_for(&self, script: &str, secs: u64) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let v = self
                .client
                .execute(script, vec![])
                .await
                .unwrap_or(serde_json::Value::Null);
            let truthy = !matches!(&v, serde_json::Value::Null | serde_json::Value::Bool(false))
                && v != serde_json::json!("")
                && v != serde_json::json!(0);
            if truthy {
                return v;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for `{script}` (last value {v})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The current page's URL, percent-decoded.
    pub async fn url(&self) -> String {
        let u = self.client.current_url().await.expect("url").to_string();
        super::http_decode(&u)
    }

    /// End the session; chromedriver is killed on drop.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}
