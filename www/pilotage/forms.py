"""Filters of the contracts at risk: the list is computed in Python (insertion.pilotage), so a plain form filters
it; the EPCI options come from the scoped rows, never an EPCI the user cannot see."""

from django import forms

from insertion.enums import MotifRisque
from portail.formulaires import BootstrapForm


class FiltrePilotageForm(BootstrapForm):
    motif = forms.ChoiceField(label="Raison", required=False)
    epci = forms.TypedChoiceField(label="EPCI", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, lignes, avec_epci: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motif"].choices = [("", "Toutes les raisons"), *MotifRisque.choices]
        if avec_epci:
            epci = {ligne.epci.pk: ligne.epci.nom for ligne in lignes if ligne.epci is not None}
            self.fields["epci"].choices = [
                ("", "Tous les EPCI"),
                *sorted(epci.items(), key=lambda choix: (choix[1], choix[0])),
            ]
        else:
            del self.fields["epci"]

    @property
    def actif(self) -> bool:
        return self.is_bound and any(self.data.get(nom) for nom in self.fields)

    def filtrer(self, lignes):
        """The rows the filters keep; none when a filter is not valid (the page says so)."""
        if not self.is_bound:
            return lignes
        if not self.is_valid():
            return []
        motif, epci = self.cleaned_data.get("motif"), self.cleaned_data.get("epci")
        return [
            ligne
            for ligne in lignes
            if (not motif or motif in ligne.codes) and (epci is None or ligne.marche.epci_id == epci)
        ]
