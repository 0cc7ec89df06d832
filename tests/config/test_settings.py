"""Settings come from the environment; a bad value fails at start, naming the variable."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_float, env_int, env_int_map, env_list


def test_env_helpers_use_defaults_when_unset(monkeypatch):
    monkeypatch.delenv("GRIDLINE_X", raising=False)

    assert env_bool("GRIDLINE_X", True) is True
    assert env_int("GRIDLINE_X", 45) == 45
    assert env_float("GRIDLINE_X", 0.8) == 0.8
    assert env_list("GRIDLINE_X", ["a"]) == ["a"]
    assert env_int_map("GRIDLINE_X", {"urban": 45}) == {"urban": 45}


@pytest.mark.parametrize(
    ("reader", "raw", "expected"),
    [
        (lambda: env_bool("GRIDLINE_X", False), "yes", True),
        (lambda: env_bool("GRIDLINE_X", True), "false", False),
        (lambda: env_int("GRIDLINE_X", 1), "60", 60),
        (lambda: env_float("GRIDLINE_X", 1.0), "0.75", 0.75),
        (lambda: env_list("GRIDLINE_X", []), "a.example, b.example", ["a.example", "b.example"]),
        (
            lambda: env_int_map("GRIDLINE_X", {"urban": 45, "rural": 90}),
            '{"urban": 30, "rural": 60}',
            {"urban": 30, "rural": 60},
        ),
    ],
)
def test_env_helpers_parse_good_values(monkeypatch, reader, raw, expected):
    monkeypatch.setenv("GRIDLINE_X", raw)

    assert reader() == expected


@pytest.mark.parametrize(
    ("reader", "raw"),
    [
        (lambda: env_bool("GRIDLINE_X", False), "maybe"),
        (lambda: env_int("GRIDLINE_X", 1), "forty-five"),
        (lambda: env_int("GRIDLINE_X", 1, minimum=1), "0"),
        (lambda: env_float("GRIDLINE_X", 1.0), "lots"),
        (lambda: env_int_map("GRIDLINE_X", {"urban": 45, "rural": 90}), "not json"),
        (lambda: env_int_map("GRIDLINE_X", {"urban": 45, "rural": 90}), '{"urban": 30}'),
        (lambda: env_int_map("GRIDLINE_X", {"urban": 45}), '{"urban": "soon"}'),
        (lambda: env_int_map("GRIDLINE_X", {"urban": 45}), '{"urban": 0}'),
    ],
)
def test_env_helpers_reject_bad_values_naming_the_variable(monkeypatch, reader, raw):
    monkeypatch.setenv("GRIDLINE_X", raw)

    with pytest.raises(ImproperlyConfigured, match="GRIDLINE_X"):
        reader()


def _load_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Import config.settings in a fresh interpreter with exactly this environment."""
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.GRIDLINE_ARRIVAL_MINUTES)"],
        env={"PATH": "/usr/bin:/bin", "GRIDLINE_VAR_DIR": "/tmp/gridline-settings-test", **env},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_refuse_to_start_without_secret_key_unless_debug():
    refused = _load_settings({})
    allowed = _load_settings({"DJANGO_DEBUG": "true"})

    assert refused.returncode != 0
    assert "DJANGO_SECRET_KEY" in refused.stderr
    assert allowed.returncode == 0, allowed.stderr


def test_settings_take_product_rules_from_the_environment():
    result = _load_settings(
        {
            "DJANGO_SECRET_KEY": "x",
            "GRIDLINE_ARRIVAL_MINUTES": '{"urban": 30, "rural": 60, "remote": 90}',
        }
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'urban': 30, 'rural': 60, 'remote': 90}"


def test_settings_fail_at_start_on_a_bad_value_naming_it():
    result = _load_settings({"DJANGO_SECRET_KEY": "x", "GRIDLINE_INCIDENT_MIN_REPORTS": "three"})

    assert result.returncode != 0
    assert "GRIDLINE_INCIDENT_MIN_REPORTS" in result.stderr


def test_settings_reject_escalation_fractions_that_do_not_rise():
    result = _load_settings(
        {"DJANGO_SECRET_KEY": "x", "GRIDLINE_ESCALATION_OVERDUE_FRACTION": "0.5"}
    )

    assert result.returncode != 0
    assert "FRACTION" in result.stderr


def test_design_defaults(settings):
    assert settings.GRIDLINE_ARRIVAL_MINUTES == {"urban": 45, "rural": 90, "remote": 120}
    assert settings.GRIDLINE_RESTORE_MINUTES == {"urban": 180, "rural": 240, "remote": 240}
    assert settings.GRIDLINE_INCIDENT_MIN_REPORTS == 3
    assert settings.GRIDLINE_INCIDENT_WINDOW_MINUTES == 30
    assert settings.GRIDLINE_PLANNED_NOTICE_DAYS == 7
    assert settings.GRIDLINE_TEMPORARY_NOTICE_HOURS == 24
    assert settings.GRIDLINE_ESCALATION_WARNING_FRACTION == 0.8
    assert settings.GRIDLINE_DEADLINE_SCAN_SECONDS == 30
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
