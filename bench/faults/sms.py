"""The SMS backend of the faults run: every message sent, on record."""

import json
import os


class RecordingSms:
    """An SMS backend (GRIDLINE_SMS_BACKEND) that appends each message to
    GRIDLINE_BENCH_SMS_FILE, one JSON line, so that a message sent twice can be counted."""

    def send(self, *, phone: str, text: str) -> None:
        with open(os.environ["GRIDLINE_BENCH_SMS_FILE"], "a", encoding="utf-8") as f:
            f.write(json.dumps([phone, text], ensure_ascii=False) + "\n")
