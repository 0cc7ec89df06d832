from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grid.models import Station


class Crew(models.Model):
    """A repair crew (抢修班组) of one supply station."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    station = models.ForeignKey(
        Station, verbose_name=_("supply station"), on_delete=models.PROTECT, related_name="crews"
    )
    on_duty = models.BooleanField(_("on duty"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("crew")
        verbose_name_plural = _("crews")

    def __str__(self) -> str:
        return self.name


class CrewMember(models.Model):
    """A crew user's membership: one crew per user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="crew_membership",
    )
    crew = models.ForeignKey(
        Crew, verbose_name=_("crew"), on_delete=models.CASCADE, related_name="members"
    )

    class Meta:
        verbose_name = _("crew member")
        verbose_name_plural = _("crew members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.crew}"
