"""SMS backends: the outbox hands each message to the backend named in GRIDLINE_SMS_BACKEND.

The default writes to the log (the outbox table keeps the message too); a
utility plugs in its gateway with HttpGatewayBackend or a class of its own
with the same `send` method.
"""

import json
import logging
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

from grid.phones import mask_phone

logger = logging.getLogger("gridline.sms")


class SmsError(Exception):
    """The gateway did not take the message; the outbox retries later."""


class LogBackend:
    def send(self, *, phone: str, text: str) -> None:
        # Logs are read by more people than the outbox table: never the full number.
        logger.info("SMS to %s: %s", mask_phone(phone), text)


class HttpGatewayBackend:
    """POSTs {"phone", "text"} as JSON to GRIDLINE_SMS_GATEWAY_URL, the key as bearer token."""

    timeout_seconds = 10

    def send(self, *, phone: str, text: str) -> None:
        request = urllib.request.Request(
            settings.GRIDLINE_SMS_GATEWAY_URL,
            data=json.dumps({"phone": phone, "text": text}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.GRIDLINE_SMS_GATEWAY_KEY}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                if response.status >= 300:
                    raise SmsError(f"gateway answered {response.status}")
        except OSError as exc:
            raise SmsError(str(exc)) from exc


def sms_backend():
    return import_string(settings.GRIDLINE_SMS_BACKEND)()
