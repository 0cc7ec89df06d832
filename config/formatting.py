"""Text shared by every app's pages."""


def duration_text(seconds: int) -> str:
    """'1:05:09' or '5:09', as static/js/countdown.js writes it."""
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
