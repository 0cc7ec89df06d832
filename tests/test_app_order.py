"""The apps stack bottom up (docs/architecture.md): each imports only from the apps below it.

Every import statement of every app module counts, function-local ones too: a lazy import
against the order is still a cycle, only hidden. The root URLconf (it includes every app's
URLs) and migrations (they name other apps' models by string) are the exceptions.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Bottom up. The demo generator sits on top: it drives every app's services.
APP_ORDER = [
    "config",
    "grid",
    "accounts",
    "tickets",
    "dispatch",
    "repairs",
    "complaints",
    "hotline",
    "dashboards",
    "demo",
]
EXEMPT = {Path("config/urls.py")}


def _app_modules() -> list[Path]:
    modules = []
    for app in APP_ORDER:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative in EXEMPT:
                continue
            modules.append(relative)
    return modules


def _imported_apps(source: str) -> set[str]:
    """The Gridline apps a module imports from, wherever in the module the import sits."""
    apps: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        apps.update(name.split(".")[0] for name in names if name.split(".")[0] in APP_ORDER)
    return apps


def _violations(relative: Path) -> list[str]:
    app = relative.parts[0]
    rank = APP_ORDER.index(app)
    imported = _imported_apps((ROOT / relative).read_text(encoding="utf-8"))
    return sorted(other for other in imported if APP_ORDER.index(other) > rank)


def test_every_app_exists_in_the_order():
    installed = {p.parent.name for p in ROOT.glob("*/apps.py")}

    assert installed <= set(APP_ORDER), f"add {sorted(installed - set(APP_ORDER))} to APP_ORDER"


@pytest.mark.parametrize("relative", _app_modules(), ids=str)
def test_module_imports_only_from_apps_below_its_own(relative):
    assert _violations(relative) == [], (
        f"{relative} imports from {_violations(relative)}, above {relative.parts[0]}"
    )


def test_an_import_against_the_order_is_found():
    source = "def f():\n    from hotline.models import Call\n"

    assert _imported_apps(source) == {"hotline"}
