from django import forms


class FusionForm(forms.Form):
    gardee = forms.UUIDField(widget=forms.HiddenInput)
    absorbee = forms.UUIDField(widget=forms.HiddenInput)
