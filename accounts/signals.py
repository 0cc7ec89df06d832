"""Receivers for Django's auth signals and for user saves (connected in AccountsConfig.ready).

Signals rather than calls in each view: the login page, the admin and the token endpoint
all fail through authenticate(), and a user is deactivated from the admin's change form
as well as from services, so one receiver catches every path.
"""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts import services
from accounts.models import User
from accounts.throttling import client_address, login_failure_record, login_failures_clear


@receiver(user_login_failed, dispatch_uid="accounts.login_failed")
def _login_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    username = credentials.get(User.USERNAME_FIELD) or ""
    if username:
        login_failure_record(username=str(username), address=client_address(request))


@receiver(user_logged_in, dispatch_uid="accounts.logged_in")
def _logged_in(sender, request, user: User, **kwargs) -> None:
    login_failures_clear(username=user.get_username(), address=client_address(request))


@receiver(pre_save, sender=User, dispatch_uid="accounts.user_pre_save")
def _note_deactivation(
    sender, instance: User, raw: bool = False, update_fields=None, **kwargs
) -> None:
    # The row as stored tells whether this save switches is_active off.
    instance._gridline_deactivating = bool(
        not raw
        and (update_fields is None or "is_active" in update_fields)
        and instance.pk
        and not instance.is_active
        and User.objects.filter(pk=instance.pk, is_active=True).exists()
    )


@receiver(post_save, sender=User, dispatch_uid="accounts.user_post_save")
def _end_access_on_deactivation(sender, instance: User, **kwargs) -> None:
    if getattr(instance, "_gridline_deactivating", False):
        instance._gridline_deactivating = False
        services.user_access_end(user=instance)
