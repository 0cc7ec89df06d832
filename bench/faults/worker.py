"""The Celery worker of the faults run, with beat so that the outbox sweep runs."""

import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.load import ROOT


@dataclass
class Worker:
    """`celery -A config worker --beat -Q celery,scan --concurrency 1`, logging to a file."""

    process: subprocess.Popen
    log: Path

    @classmethod
    def start(cls, env: dict[str, str], log: Path) -> "Worker":
        args = [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat",
                "-Q", "celery,scan", "--concurrency", "1", "--loglevel", "INFO"]  # fmt: skip
        with log.open("wb") as out:
            process = subprocess.Popen(
                args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"the worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        return cls(process, log)

    def errors(self) -> list[str]:
        text = self.log.read_text(errors="replace")
        return [line for line in text.splitlines() if "ERROR" in line or "CRITICAL" in line]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
