"""The one way a lower app lets the apps above it react: a list of registered functions.

An app may not import the apps built on it (docs/architecture.md), so where it needs their
help (the ticket page shows a repair's panel; an incident follows its work order) it owns a
`Hooks` and calls what is registered. The apps above register their functions in their
`AppConfig.ready`. Explicit and greppable, unlike signals: `.register(` finds every one.
"""

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Hooks(Generic[F]):
    """Functions called in registration order; registering one twice keeps one."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._functions: list[F] = []

    def register(self, function: F) -> F:
        if function not in self._functions:
            self._functions.append(function)
        return function

    def unregister(self, function: F) -> None:
        self._functions.remove(function)

    def __iter__(self) -> Iterator[F]:
        return iter(tuple(self._functions))

    def __repr__(self) -> str:
        return f"<Hooks {self.name}: {len(self._functions)}>"
