from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptes.models import User
from portail.administration import AutocompletionAdminMixin, ChoixMultipleBorneAdminMixin


@admin.register(User)
class UserAdmin(AutocompletionAdminMixin, ChoixMultipleBorneAdminMixin, BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "email", "role", "epci", "is_active", "last_login"]
    list_filter = ["role", "epci", "is_active", "is_staff", "is_superuser"]
    list_select_related = ["epci"]
    autocomplete_fields = ["epci"]
    fieldsets = [
        *BaseUserAdmin.fieldsets[:2],
        ("Rôle dans le portail", {"fields": ["role", "epci"]}),
        *BaseUserAdmin.fieldsets[2:],
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        ("Rôle dans le portail", {"fields": ["first_name", "last_name", "email", "role", "epci"]}),
    ]


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ChoixMultipleBorneAdminMixin, BaseGroupAdmin):
    """Django's groups, with permissions refused in French when the posted value is not an id."""


# Second factors are not edited in the admin: its TOTP page would show anyone's secret and QR code again. They
# are set up by their owner and reset by the Département from the portal (/comptes/double-facteur/).
for modele in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(modele):
        admin.site.unregister(modele)
