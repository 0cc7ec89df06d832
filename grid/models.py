from django.db import models
from django.utils.translation import gettext_lazy as _

from config.models import ChoiceLabels
from grid.phones import mask_phone


class AreaType(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")
    REMOTE = "remote", _("Remote")


class Station(models.Model):
    """A supply station (供电所): owns an area of the network and its repair crews."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("supply station")
        verbose_name_plural = _("supply stations")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A responsible department that investigates complaints and records rectification."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Feeder(models.Model):
    """A 10 kV feeder (线路) of one station; many transformers hang on it."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    station = models.ForeignKey(
        Station, verbose_name=_("supply station"), on_delete=models.PROTECT, related_name="feeders"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("feeder")
        verbose_name_plural = _("feeders")

    def __str__(self) -> str:
        return self.code


class Transformer(models.Model):
    """A distribution transformer (台区); many premises hang on it."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    feeder = models.ForeignKey(
        Feeder, verbose_name=_("feeder"), on_delete=models.PROTECT, related_name="transformers"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("transformer")
        verbose_name_plural = _("transformers")

    def __str__(self) -> str:
        return self.code


class Customer(models.Model):
    """An account holder (用电客户) with one or more phones and premises."""

    account_no = models.CharField(_("account number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["account_no"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return f"{self.name} ({self.account_no})"


class CustomerPhone(models.Model):
    """One of a customer's phone numbers in the form of grid.phones (DESIGN §3.8), indexed."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(_("phone"), max_length=20, db_index=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("customer phone")
        verbose_name_plural = _("customer phones")
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="customer_phone_once"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def masked(self) -> str:
        """For readers who may recognise the number but not dial it (a crew)."""
        return mask_phone(self.number)


class Premise(ChoiceLabels, models.Model):
    """A service point (用电地址/计量点): an address with a meter, on one transformer."""

    meter_no = models.CharField(_("meter number"), max_length=32, unique=True)
    address = models.CharField(_("address"), max_length=255)
    area_type = models.CharField(_("area type"), max_length=10, choices=AreaType.choices)
    important = models.BooleanField(
        _("important customer"),
        default=False,
        help_text=_("Hospital, water works, life support at home: urban limits, top priority."),
    )
    transformer = models.ForeignKey(
        Transformer,
        verbose_name=_("transformer"),
        on_delete=models.PROTECT,
        related_name="premises",
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="premises"
    )

    class Meta:
        ordering = ["meter_no"]
        verbose_name = _("premise")
        verbose_name_plural = _("premises")

    def __str__(self) -> str:
        return f"{self.address} ({self.meter_no})"
