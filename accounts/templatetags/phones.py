from django import template

from accounts.access import sees_phones
from grid.phones import mask_phone

register = template.Library()


@register.filter
def phone_for(phone: str, user) -> str:
    """The phone in full for roles that call customers back, masked for everyone else."""
    if not phone or sees_phones(user):
        return phone
    return mask_phone(phone)
