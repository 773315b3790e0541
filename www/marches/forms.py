from django import forms

from marches.decp import CODE_DEPARTEMENT

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
    departement = forms.CharField(
        label="Département",
        required=False,
        initial="49",
        max_length=3,
        help_text=(
            "Ne garder que les marchés dont l'acheteur (le Département, une commune ou un EPCI du département) "
            "ou le lieu d'exécution est dans ce département. Laisser vide pour tout importer."
        ),
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

    def clean_departement(self):
        departement = self.cleaned_data["departement"].strip().upper()
        if departement and not CODE_DEPARTEMENT.match(departement.zfill(2)):
            raise forms.ValidationError("Code de département inconnu (exemple : 49).")
        return departement
