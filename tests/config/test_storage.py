"""Where attachments are kept (DESIGN §3.14): local files by default, an S3-compatible bucket
when GRIDLINE_ATTACHMENT_STORAGE says so; a bad value stops the process at start."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASE_ENV = {
    "PATH": "/usr/bin:/bin",
    "GRIDLINE_VAR_DIR": "/tmp/gridline-settings-test",
    "DJANGO_SECRET_KEY": "storage-test",
}
SHOW = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup();"
    "from django.core.files.storage import storages; s = storages['attachments'];"
    "print(type(s).__module__ + '.' + type(s).__name__, getattr(s, 'bucket_name', '-'),"
    " getattr(s, 'location', '-'), getattr(s, 'file_overwrite', '-'))"
)


def run(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        env={**BASE_ENV, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_files_are_local_under_the_var_folder_by_default():
    result = run()

    assert result.returncode == 0, result.stderr
    backend, _bucket, location, _overwrite = result.stdout.split()
    assert backend == "config.storage.PrivateFileSystemStorage"
    assert location == "/tmp/gridline-settings-test/media"


def test_an_s3_bucket_is_used_when_the_setting_says_so():
    result = run(
        GRIDLINE_ATTACHMENT_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="gridline-evidence",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "gridline-evidence",
        "gridline",
        "False",
    ]


def test_s3_without_a_bucket_or_an_unknown_store_stops_the_process():
    no_bucket = run(GRIDLINE_ATTACHMENT_STORAGE="s3")
    unknown = run(GRIDLINE_ATTACHMENT_STORAGE="ftp")

    assert no_bucket.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME must be set" in no_bucket.stderr
    assert unknown.returncode != 0
    assert "must be local or s3, not 'ftp'" in unknown.stderr
