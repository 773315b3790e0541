"""The table of companies: holders of lots and employers, with their figures in the user's scope."""

import django_tables2 as tables
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html

from insertion.indicateurs.secret import libelle_effectif
from portail.colonnes import TEMPLATE_TABLEAU, HeuresColumn, NombreColumn
from portail.formats import Masque


def masquer_effectif(nombre: int, *, masquer: bool):
    """A reader never sees a count of 1 to 4 people (statistical secret): "< 5" instead."""
    seuil = settings.SEUIL_SECRET_STATISTIQUE
    if masquer and 0 < nombre < seuil:
        return Masque(libelle_effectif(seuil))
    return nombre


def _lien(record):
    # A foreign company (no SIRET) has no page.
    return reverse("entreprises:detail", args=[record.siret]) if record.siret else None


class EntrepriseTable(tables.Table):
    """Rows come from insertion.entreprises.entreprises_avec_chiffres() (figures annotated)."""

    raison_sociale = tables.Column("Raison sociale", linkify=_lien, order_by=("tri", "pk"))
    siret = tables.Column("SIRET", default="—", attrs={"td": {"class": "text-nowrap"}})
    type_structure = tables.Column("Type de structure", order_by=("type_structure", "tri", "pk"))
    nombre_marches = NombreColumn("Marchés (titulaire ou employeur)")
    heures_reservees = HeuresColumn("Heures réservées (lots tenus)")
    heures_validees_titulaire = HeuresColumn("Heures validées sur ses lots")
    heures_validees_employeur = HeuresColumn("Heures validées comme employeur")
    nombre_personnes = NombreColumn("Personnes employées")
    a_verifier = tables.Column("À vérifier", attrs={"td": {"class": "text-nowrap"}})

    class Meta:
        template_name = TEMPLATE_TABLEAU
        attrs = {"class": "table table-striped table-hover align-middle"}
        empty_text = "Aucune entreprise dans votre périmètre."

    def __init__(self, *args, caption: str, masquer_effectifs: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption
        self.masquer_effectifs = masquer_effectifs

    def render_type_structure(self, record):
        return record.get_type_structure_display()

    def value_type_structure(self, record):
        return record.get_type_structure_display()

    def render_nombre_personnes(self, value):
        return str(masquer_effectif(value, masquer=self.masquer_effectifs))

    def value_nombre_personnes(self, value):
        effectif = masquer_effectif(value, masquer=self.masquer_effectifs)
        return str(effectif) if isinstance(effectif, Masque) else effectif

    def render_a_verifier(self, value):
        if value:
            return format_html('<span class="badge text-bg-warning">{}</span>', "à vérifier")
        return "—"

    def value_a_verifier(self, value):
        return "oui" if value else "non"
