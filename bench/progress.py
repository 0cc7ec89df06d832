"""What a bench run prints as it goes: lines flushed at once, and named steps with their times."""

import sys
import time


def say(message: str = "") -> None:
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


class Clock:
    """Named steps with their durations, for the 'generation took' line."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}

    def step(self, name: str, started: float) -> None:
        if name in self.steps:
            name = f"{name} again"
        self.steps[name] = time.perf_counter() - started
        say(f"  {name}: {self.steps[name]:.1f}s")
