"""The Bootstrap form base: a CSS class on every widget, `is-invalid` on those with errors."""

from django import forms
from django.forms.boundfield import BoundField


def classe_bootstrap(widget: forms.Widget) -> str | None:
    """Bootstrap's class for a widget (None for a hidden one)."""
    if isinstance(widget, forms.HiddenInput):
        return None
    if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


def habiller(champs) -> None:
    """Gives every field's widget its Bootstrap class, unless it has one already."""
    for champ in champs:
        if classe := classe_bootstrap(champ.widget):
            champ.widget.attrs.setdefault("class", classe)


class BootstrapBoundField(BoundField):
    """Adds Bootstrap's `is-invalid` to a widget with errors (Django already sets aria-invalid)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.errors and not widget.is_hidden:
            classes = attrs.get("class", widget.attrs.get("class", ""))
            attrs["class"] = f"{classes} is-invalid".strip()
        return attrs


class BootstrapForm(forms.Form):
    bound_field_class = BootstrapBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        habiller(self.fields.values())


class BootstrapModelForm(forms.ModelForm):
    bound_field_class = BootstrapBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        habiller(self.fields.values())
