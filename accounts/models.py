from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.models import ChoiceLabels


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    DISPATCHER = "dispatcher", _("Station dispatcher")
    CREW = "crew", _("Field crew")
    HANDLER = "handler", _("Department handler")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")
    # A machine account (the telephony, DESIGN §1): a token for the integration endpoints,
    # never a browser.
    INTEGRATION = "integration", _("Integration (machine account)")


class User(ChoiceLabels, AbstractUser):
    """Staff with one role; dispatchers and crews have a station, handlers a department."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    # String references keep the models import-free of grid; grid, below accounts, never
    # refers to a user.
    station = models.ForeignKey(
        "grid.Station",
        verbose_name=_("supply station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    department = models.ForeignKey(
        "grid.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    # What the user reads pages, notifications and emails in (DESIGN §3.16); the language
    # selector sets it. Blank: the site's LANGUAGE_CODE.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    # The agent's telephone extension: the telephony names an agent by it or by username
    # (DESIGN §3.15).
    extension = models.CharField(_("extension"), max_length=20, blank=True)
    # Not a field: accounts.signals notes between pre_save and post_save that this save
    # switches is_active off.
    _gridline_deactivating: bool

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # The telephony names one agent by an extension.
            models.UniqueConstraint(
                fields=["extension"], condition=~models.Q(extension=""), name="user_extension_once"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        # Chinese names read family name first, with no space: 陈晓敏, not "晓敏 陈".
        if self.last_name and not self.last_name.isascii():
            return f"{self.last_name}{self.first_name}".strip()
        return super().get_full_name()

    @property
    def display_name(self) -> str:
        return str(self)

    @property
    def reading_language(self) -> str:
        """The language messages to this user are written in: the one chosen, else the site's."""
        return self.language or settings.LANGUAGE_CODE
