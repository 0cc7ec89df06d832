"""gunicorn on loopback, wrk for throughput, and a fixed-rate client for latency at a given rate."""

import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.scenarios import Request

ROOT = Path(__file__).resolve().parent.parent


# --- gunicorn ----------------------------------------------------------------------------


@dataclass
class Server:
    port: int
    workers: int
    process: subprocess.Popen
    log: Path
    settings: str

    def server_errors(self) -> list[str]:
        """Tracebacks Django logged (a 500), from the server's log."""
        text = self.log.read_text(errors="replace")
        return [line for line in text.splitlines() if "Internal Server Error" in line]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict[str, str], workers: int, log: Path) -> Server:
    port = free_port()
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "120",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    import gunicorn

    settings = (
        f"gunicorn {gunicorn.__version__}: {workers} sync workers (2 x cores + 1), "
        f"bind 127.0.0.1:{port}, timeout 120 s, backlog 2048, no access log; "
        f"DJANGO_SETTINGS_MODULE=config.settings, DEBUG=false, "
        f"broker {'Redis' if env.get('REDIS_URL') else 'filesystem (no worker draining it)'}"
    )
    with log.open("wb") as out:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(port, workers, process, log, settings)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                # Each worker imports the project on its first request: warm them all.
                warm = [threading.Thread(target=_get, args=(port, "/healthz")) for _ in range(20)]
                for t in warm:
                    t.start()
                for t in warm:
                    t.join()
                return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def _get(port: int, path: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    conn.getresponse().read()


# --- wrk ---------------------------------------------------------------------------------


def ensure_wrk() -> str:
    """wrk from Debian (installed with apt-get when missing, as .ci/run installs its tools)."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") is None:
        raise RuntimeError("wrk is not installed and there is no apt-get to install it")
    root = [] if os.geteuid() == 0 else ["sudo"]
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*root, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*root, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("apt-get installed wrk but it is not on PATH")
    return found


def _lua_string(text: str) -> str:
    out = []
    for byte in text.encode():
        if 32 <= byte < 127 and byte not in (34, 92):
            out.append(chr(byte))
        else:
            out.append(f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


LUA_TEMPLATE = """
local raw = {
%(requests)s
}
local reqs = {}
local threads = {}
s2, s3, s4, s5 = 0, 0, 0, 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for i, r in ipairs(raw) do
    reqs[i] = wrk.format(r[1], r[2], r[3], r[4])
  end
  math.randomseed(os.time() + #threads)
end

function request()
  return reqs[math.random(#reqs)]
end

function response(status, headers, body)
  if status < 300 then s2 = s2 + 1
  elseif status < 400 then s3 = s3 + 1
  elseif status < 500 then s4 = s4 + 1
  else s5 = s5 + 1 end
end

function done(summary, latency, requests)
  local c2, c3, c4, c5 = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    c2 = c2 + t:get("s2"); c3 = c3 + t:get("s3"); c4 = c4 + t:get("s4"); c5 = c5 + t:get("s5")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"max_us": %%d, "s2xx": %%d, "s3xx": %%d, "s4xx": %%d, "s5xx": %%d, "connect": %%d, ' ..
    '"read": %%d, "write": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, c2, c3, c4, c5, e.connect, e.read, e.write, e.timeout))
end
"""


def write_lua(requests: list[Request], path: Path) -> Path:
    lines = []
    for r in requests:
        headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in r.headers.items())
        body = _lua_string(r.body) if r.body else "nil"
        lines.append(
            f"  {{{_lua_string(r.method)}, {_lua_string(r.path)}, {{{headers}}}, {body}}},"
        )
    path.write_text(LUA_TEMPLATE % {"requests": "\n".join(lines)})
    return path


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    server_errors: int  # 5xx
    socket_errors: int
    raw: dict = field(default_factory=dict)


def run_wrk(wrk: str, port: int, script: Path, seconds: float, connections: int) -> WrkResult:
    args = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}/",
    ]
    done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result:\n{done.stdout}\n{done.stderr}")
    d = json.loads(line.removeprefix("BENCH_JSON "))
    seconds_run = max(d["duration_us"] / 1e6, 1e-9)
    return WrkResult(
        rps=d["requests"] / seconds_run,
        p50_ms=d["p50_us"] / 1000,
        p99_ms=d["p99_us"] / 1000,
        requests=d["requests"],
        non_2xx=d["s3xx"] + d["s4xx"] + d["s5xx"],
        server_errors=d["s5xx"],
        socket_errors=d["connect"] + d["read"] + d["write"] + d["timeout"],
        raw=d,
    )


# --- A fixed rate ------------------------------------------------------------------------


@dataclass
class Sent:
    due: float
    started: float
    ended: float
    status: int  # 0 for a socket error
    body: bytes


@dataclass
class RateResult:
    sent: list[Sent]
    seconds: float

    @property
    def count(self) -> int:
        return len(self.sent)

    @property
    def server_errors(self) -> int:
        return sum(1 for s in self.sent if s.status >= 500)

    @property
    def failures(self) -> int:
        """Answers other than 2xx, socket errors included."""
        return sum(1 for s in self.sent if not 200 <= s.status < 300)

    def latency_ms(self, pct: float, *, from_due: bool = True) -> float:
        """Percentile of latency, counted from when the request was due (so a client that fell
        behind shows as latency, not as a quieter server) or from when it was sent."""
        values = sorted((s.ended - (s.due if from_due else s.started)) * 1000 for s in self.sent)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(len(values) * pct / 100))]

    @property
    def achieved_rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    @property
    def max_lag_ms(self) -> float:
        return max(((s.started - s.due) * 1000 for s in self.sent), default=0.0)


def fixed_rate(port: int, requests: list[Request], rate: float, clients: int) -> RateResult:
    """Send `requests` in order at `rate` per second from `clients` threads (open loop)."""
    lock = threading.Lock()
    position = iter(range(len(requests)))
    results: list[Sent] = []
    start = time.perf_counter() + 0.2

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                i = next(position, None)
            if i is None:
                break
            due = start + i / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            r = requests[i]
            began = time.perf_counter()
            try:
                conn.request(r.method, r.path, body=r.body.encode() or None, headers=r.headers)
                response = conn.getresponse()
                body, status = response.read(), response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                body, status = b"", 0
            sent = Sent(due, began, time.perf_counter(), status, body)
            with lock:
                results.append(sent)
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = max((s.ended for s in results), default=start) - start
    return RateResult(sorted(results, key=lambda s: s.due), seconds)


def median(values: list[float]) -> float:
    values = [v for v in values if v == v]  # drop NaN
    return statistics.median(values) if values else float("nan")


def temp_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="gridline-bench-"))
