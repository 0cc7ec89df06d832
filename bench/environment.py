"""What every bench process runs with: production settings and a private var/ (bench.run,
bench.faults, bench.profile), and the revision the figures belong to."""

import argparse
import os
import subprocess
from pathlib import Path

from bench.load import ROOT


def environment(args: argparse.Namespace, var_dir: Path) -> dict[str, str]:
    """The settings both this process and gunicorn run with: production mode, a private var/."""
    env = dict(os.environ)
    env.pop("REDIS_URL", None)  # never fill a shared Redis with undrained tasks
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY") or "bench-only-secret-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "GRIDLINE_VAR_DIR": str(var_dir),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "GRIDLINE_LOG_LEVEL": "WARNING",
        # The load tool is one account asking as fast as it can: measure the lookup, not
        # its rate limit.
        "GRIDLINE_IVR_LOOKUP_RATE": "1000000/s",
    }
    return env


def git_revision() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return "?"
    return out.stdout.strip() or "?"
