"""The form of the Département's comment on a yearly bilan."""

from django import forms

from insertion.regles import MESSAGE_COMMENTAIRE_LONG, TEXTE_MAX_COMMENTAIRE
from portail.formulaires import BootstrapForm


class CommentaireBilanForm(BootstrapForm):
    texte = forms.CharField(
        label="Commentaire du Département",
        required=False,
        max_length=TEXTE_MAX_COMMENTAIRE,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            f"Imprimé en fin de synthèse, lu par tous ceux qui consultent ce bilan ; {TEXTE_MAX_COMMENTAIRE} "
            "caractères au plus. Laissez vide pour retirer le commentaire."
        ),
        error_messages={"max_length": MESSAGE_COMMENTAIRE_LONG},
    )
