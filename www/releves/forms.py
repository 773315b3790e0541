"""Forms of the statement import: the upload, and the confirmation of monthly totals above the alert."""

from django import forms

from insertion.releves.lecture import LIGNES_MAX, TAILLE_MAX_OCTETS, FichierIllisible, lire_releve
from portail.formats import nombre


class ReleveForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier du relevé (XLSX ou CSV)",
        help_text=(
            f"Au plus {TAILLE_MAX_OCTETS // 1024 // 1024} Mo et {nombre(LIGNES_MAX)} lignes. "
            "La première ligne porte les en-têtes du modèle."
        ),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > TAILLE_MAX_OCTETS:
            raise forms.ValidationError(
                f"Le fichier pèse plus de {TAILLE_MAX_OCTETS // 1024 // 1024} Mo : découpez le relevé en "
                "plusieurs fichiers."
            )
        contenu = fichier.read()
        try:
            self.releve = lire_releve(nom=fichier.name, contenu=contenu)
        except FichierIllisible as erreur:
            raise forms.ValidationError(erreur.message) from erreur
        self.nom, self.contenu = fichier.name, contenu
        return fichier


class ConfirmationReleveForm(forms.Form):
    # The pending file (insertion.models.ReleveEnAttente): its opaque token and the SHA-256 of its content.
    jeton = forms.UUIDField(widget=forms.HiddenInput)
    empreinte = forms.CharField(widget=forms.HiddenInput, max_length=64)
    je_confirme = forms.BooleanField(
        label="Je confirme ces totaux mensuels : les heures ont bien été travaillées.",
        error_messages={"required": "Cochez la case pour confirmer les totaux avant d'importer le fichier."},
    )
