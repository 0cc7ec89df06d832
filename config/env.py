"""Typed readers for environment variables: a bad value fails at start, naming the variable."""

import json
import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int_map(name: str, default: dict[str, int], *, minimum: int = 1) -> dict[str, int]:
    """A JSON object of whole numbers, e.g. '{"urban": 45, "rural": 90, "remote": 120}'.

    The keys must be exactly the default's keys: a typo would otherwise silently
    leave one area type on its default.
    """
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return dict(default)
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        raise ImproperlyConfigured(f"{name} must be a JSON object, not {raw!r}.") from None
    if not isinstance(value, dict) or set(value) != set(default):
        keys = ", ".join(sorted(default))
        raise ImproperlyConfigured(f"{name} must be a JSON object with the keys {keys}.")
    for key, number in value.items():
        if not isinstance(number, int) or isinstance(number, bool) or number < minimum:
            raise ImproperlyConfigured(
                f"{name}[{key!r}] must be a whole number of at least {minimum}."
            )
    return value
