//! Starts the real worker under `wrangler dev` for end-to-end tests: a free port on 127.0.0.1, a
//! temporary `--persist-to`, its own process group, stopped (always) by the guard's Drop.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repo root").to_path_buf()
}

/// Builds the worker once per test process; wrangler is then told to skip its build step.
fn build_worker_once() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let status = Command::new("bash")
            .arg(repo_root().join("scripts/build-worker.sh"))
            .env("META_SECRET_TEST_BUILD", "1")
            .status()
            .expect("run scripts/build-worker.sh");
        assert!(status.success(), "worker build failed");
    });
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

pub struct WranglerDev {
    child: Option<Child>,
    pub port: u16,
    pub persist_dir: PathBuf,
    log: PathBuf,
}

impl WranglerDev {
    pub fn start(persist_dir: &Path) -> WranglerDev {
        Self::start_with_vars(persist_dir, &[])
    }

    /// As [`WranglerDev::start`], with `--var NAME:VALUE` for each pair (vars and secrets alike).
    pub fn start_with_vars(persist_dir: &Path, vars: &[(&str, &str)]) -> WranglerDev {
        let args: Vec<String> =
            vars.iter().flat_map(|(name, value)| ["--var".into(), format!("{name}:{value}")]).collect();
        Self::start_with_args(persist_dir, &args)
    }

    /// As [`WranglerDev::start`], with more `wrangler dev` arguments (for example `--env NAME`).
    pub fn start_with_args(persist_dir: &Path, extra: &[String]) -> WranglerDev {
        build_worker_once();
        // A port found free can be taken by a parallel test's workerd before ours binds it; such a
        // start is retried on new ports rather than failing the test.
        for attempt in 1..=4 {
            match Self::try_start(persist_dir, extra) {
                Ok(dev) => return dev,
                Err(tail) if tail.contains("Address already in use") && attempt < 4 => continue,
                Err(tail) => panic!("{tail}"),
            }
        }
        unreachable!("the last attempt returns or panics")
    }

    fn try_start(persist_dir: &Path, extra: &[String]) -> Result<WranglerDev, String> {
        let port = free_port();
        let log = persist_dir.with_extension(format!("{port}.log"));
        let log_file = std::fs::File::create(&log).expect("log file");
        let wrangler = repo_root().join("node_modules/.bin/wrangler");
        assert!(wrangler.exists(), "wrangler is not installed: run `npm install` at the repository root");
        let child = Command::new(wrangler)
            .current_dir(repo_root())
            .args(["dev", "--local", "--ip", "127.0.0.1", "--port", &port.to_string()])
            // Parallel tests each need their own inspector port (wrangler's default is 9229).
            .args(["--inspector-port", &free_port().to_string(), "--persist-to"])
            .arg(persist_dir)
            .args(extra)
            .env("META_SECRET_SKIP_BUILD", "1")
            .env("WRANGLER_SEND_METRICS", "false")
            .env("WRANGLER_SEND_ERROR_REPORTS", "false")
            .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("log"))
            .stderr(log_file)
            .process_group(0)
            .spawn()
            .expect("spawn wrangler dev");
        let mut dev = WranglerDev { child: Some(child), port, persist_dir: persist_dir.to_path_buf(), log };
        dev.wait_ready()?;
        Ok(dev)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(90);
        let probe = crate::http::HttpTransport::new(&self.url());
        while Instant::now() < deadline {
            let request = meta_secret_core::sync::TransportRequest {
                method: "GET".into(),
                path: "/ready-probe".into(),
                auth: None,
                body: Vec::new(),
            };
            // The worker itself answered (a JSON error, 404; or 500 when its configuration is bad).
            let answered =
                |body: &[u8]| serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|v| v["code"].is_string());
            if matches!(probe.send_blocking(&request), Ok(response) if answered(&response.body)) {
                return Ok(());
            }
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                return Err(format!("wrangler dev exited with {status}: {}", self.log_tail()));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(format!("wrangler dev did not answer within 90 s: {}", self.log_tail()))
    }

    /// The peak resident memory (VmHWM, KiB) of the workerd processes this `wrangler dev` runs,
    /// found by their process group.
    pub fn workerd_peak_rss_kib(&self) -> u64 {
        self.workerd_status_kib("VmHWM:").iter().sum()
    }

    /// The current resident memory (VmRSS, KiB) of the workerd processes, summed.
    pub fn workerd_rss_kib(&self) -> u64 {
        self.workerd_rss_each_kib().iter().sum()
    }

    /// The current resident memory (VmRSS, KiB) of each workerd process, by pid.
    pub fn workerd_rss_each_kib(&self) -> Vec<u64> {
        self.workerd_status_kib("VmRSS:")
    }

    /// The current resident memory (VmRSS, KiB) of the workerd process that runs the worker and
    /// its Durable Objects: the one holding a Durable Object's SQLite file open (the other is
    /// wrangler's dev proxy, which a deployed worker does not have). 0 before any object opened.
    pub fn durable_object_rss_kib(&self) -> u64 {
        let objects = self.persist_dir.join("v3/do");
        let holds_objects = |pid: u32| {
            let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).into_iter().flatten().flatten();
            fds.filter_map(|fd| std::fs::read_link(fd.path()).ok()).any(|target| target.starts_with(&objects))
        };
        let found = self.workerd_fields("VmRSS:");
        found.into_iter().find(|(pid, _)| holds_objects(*pid)).map_or(0, |(_, kib)| kib)
    }

    /// One `/proc/{pid}/status` field (in kB) of each workerd process in our group, by pid.
    fn workerd_status_kib(&self, field: &str) -> Vec<u64> {
        self.workerd_fields(field).into_iter().map(|(_, kib)| kib).collect()
    }

    /// (pid, one `/proc/{pid}/status` field in kB) of each workerd process in our group.
    fn workerd_fields(&self, field: &str) -> Vec<(u32, u64)> {
        let Some(group) = self.child.as_ref().map(|c| c.id().to_string()) else { return Vec::new() };
        let mut found = Vec::new();
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            // "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after its ')'.
            let Some((head, rest)) = stat.rsplit_once(')') else { continue };
            let fields: Vec<&str> = rest.split_whitespace().collect();
            if !head.ends_with("(workerd") || fields.get(2) != Some(&group.as_str()) {
                continue;
            }
            let status = std::fs::read_to_string(entry.path().join("status")).unwrap_or_default();
            let value = status.lines().find_map(|line| line.strip_prefix(field));
            let kib = value.and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok()).unwrap_or(0);
            let pid: u32 = entry.file_name().to_string_lossy().parse().unwrap_or(0);
            found.push((pid, kib));
        }
        found.sort();
        found
    }

    /// Everything wrangler dev and the worker printed so far (console lines included).
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.lines().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n")
    }

    /// Kills the whole process group (wrangler, workerd) and waits for the port to close.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        let pgid = child.id() as i32;
        // Guard against kill(-1) / kill(0): only ever signal our own child's group.
        if pgid > 1 {
            unsafe {
                libc::kill(-pgid, libc::SIGTERM);
            }
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(100));
        }
        if matches!(child.try_wait(), Ok(None)) && pgid > 1 {
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
        let _ = child.wait();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for WranglerDev {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A fresh temporary directory for `--persist-to`.
pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("meta-secret-{tag}-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
