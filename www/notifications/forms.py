from django import forms

from portail.formulaires import BootstrapForm


class PreferenceNotificationForm(BootstrapForm):
    recevoir_courriels = forms.BooleanField(
        label="Recevoir aussi mes notifications par courriel",
        required=False,
        help_text="Les notifications restent toujours visibles dans le portail.",
    )
