from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from comptes.models import User
from portail.administration import AutocompletionAdminMixin


@admin.register(User)
class UserAdmin(AutocompletionAdminMixin, BaseUserAdmin):
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
