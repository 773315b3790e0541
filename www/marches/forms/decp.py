"""The DECP import form."""

from django import forms

TAILLE_MAX_DECP_OCTETS = 200 * 1024 * 1024


class ImportDecpForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier DECP (JSON)",
        help_text=(
            f"Données essentielles de la commande publique au format 2024, au plus "
            f"{TAILLE_MAX_DECP_OCTETS // 1024 // 1024} Mo."
        ),
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
    )
    simulation = forms.BooleanField(
        label="Simulation : tout vérifier et afficher le bilan sans rien enregistrer",
        required=False,
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > TAILLE_MAX_DECP_OCTETS:
            raise forms.ValidationError(
                f"Le fichier pèse plus de {TAILLE_MAX_DECP_OCTETS // 1024 // 1024} Mo : importez-le avec la "
                "commande « manage.py import_decp »."
            )
        if not fichier.name.lower().endswith(".json"):
            raise forms.ValidationError(
                "Le fichier DECP doit être un fichier JSON (extension .json), tel que publié sur data.gouv.fr."
            )
        return fichier
