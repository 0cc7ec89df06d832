"""The one base class for domain errors; services raise them, views and the API translate them."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django import forms


class GridlineError(Exception):
    """A rule said no. `field` names the input at fault, when there is one."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, list[str] | str]:
        # Without a field, the shape of DRF's own errors: {"detail": "..."}.
        if self.field is None:
            return {"detail": str(self.message)}
        return {self.field: [str(self.message)]}

    def message_by_field(self, *, default: str = "action") -> dict[str, str]:
        """One message per field for a page to show beside its input."""
        return {self.field or default: str(self.message)}


class TransitionNotAllowed(GridlineError):
    """The current state does not allow the action (API: 409)."""

    status_code = 409


class NotPermitted(GridlineError):
    """The user's role may not do this (API: 403). Out-of-scope objects answer 404 instead."""

    status_code = 403


class FieldErrors(GridlineError):
    """Input failed validation; `errors` holds the messages per field, all at once."""

    def __init__(self, errors: dict[str, list[str]], message: str = "") -> None:
        super().__init__(message or "; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors

    @classmethod
    def from_form(cls, form: "forms.BaseForm") -> "FieldErrors":
        """A form's errors, field by field, as the API and the pages report them."""
        return cls({field: [str(m) for m in messages] for field, messages in form.errors.items()})

    def as_dict(self) -> dict[str, list[str] | str]:
        return {name: [str(m) for m in messages] for name, messages in self.errors.items()}

    def message_by_field(self, *, default: str = "action") -> dict[str, str]:
        return {name: " ".join(str(m) for m in messages) for name, messages in self.errors.items()}
