"""Admin helpers shared by every app."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError


class SuperutilisateurAdminMixin:
    """Personal data: only superusers reach it in the admin."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class AutocompletionTolerante(AutocompleteSelect):
    """Django's autocomplete select, which re-displays a form posted with a value that is not an id ("0.01",
    "abc", an integer beyond the column's range) instead of crashing on it: the form then says, in French, that
    the choice is invalid."""

    def optgroups(self, name, value, attr=None):
        cible = self.field.target_field
        valides = []
        for valeur in value:
            try:
                cible.run_validators(cible.to_python(valeur))  # the validators bound the integer's range
            except ValidationError:
                continue
            valides.append(valeur)
        return super().optgroups(name, valides, attr)


class AutocompletionAdminMixin:
    """Puts AutocompletionTolerante on the `autocomplete_fields` of a ModelAdmin or an inline."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompletionTolerante(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ChoixMultipleBorne(forms.ModelMultipleChoiceField):
    """Django's multiple choice of rows, which refuses in French a posted value that is not an id in the
    column's range ("abc", 10**30) instead of passing it to the database (SQLite overflows on it)."""

    def _check_values(self, value):
        meta = self.queryset.model._meta
        champ = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        for valeur in value:
            try:
                champ.run_validators(champ.to_python(valeur))
            except (ValidationError, TypeError, ValueError):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": valeur}
                ) from None
        return super()._check_values(value)


class ChoixMultipleBorneAdminMixin:
    """Puts ChoixMultipleBorne on every many-to-many field of a ModelAdmin (groups, permissions)."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", ChoixMultipleBorne)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
