"""Everything the dashboard, its JSON and the yearly bilan show, assembled from `requetes`.

One call, a fixed number of queries whatever the data size. Choice codes get their French labels here,
every breakdown lists all its categories (zero included) and shares are computed once for all three outputs.
"""

import datetime
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from beneficiaires.enums import CategorieSortie, NiveauQualification, Sexe
from insertion.enums import Modalite, Statut
from insertion.indicateurs import requetes
from insertion.indicateurs.requetes import Perimetre
from insertion.models import Clause, HeuresRealisees, Objectif
from insertion.selectors import taux_realisation
from territoires.models import Epci

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))
SANS_EPCI = "Sans EPCI de rattachement"
NON_RENSEIGNE = "non renseigné"


def _part(valeur, total):
    if not total:
        return None
    return (Decimal(valeur) * 100 / Decimal(total)).quantize(Decimal("0.1"))


def _somme_validee(**filtre):
    rangees = (
        HeuresRealisees.objects.filter(clause__lot__marche=OuterRef("pk"), statut=Statut.VALIDEES, **filtre)
        .order_by()
        .values("clause__lot__marche")
        .annotate(total=Sum("heures"))
        .values("total")[:1]
    )
    return Coalesce(Subquery(rangees), ZERO)


def par_marche(*, user, perimetre: Perimetre) -> list[dict]:
    """Contracts with a clause in execution during the year: reserved hours, validated in the year and
    validated since the start up to 31 December (realisation rate = the latter ÷ reserved)."""
    reservees = (
        Clause.objects.filter(lot__marche=OuterRef("pk"))
        .order_by()
        .values("lot__marche")
        .annotate(total=Sum("heures_reservees"))
        .values("total")[:1]
    )
    lignes = list(
        requetes.marches_du_perimetre(user=user, perimetre=perimetre)
        .annotate(
            heures_reservees=Subquery(reservees),
            heures_validees_annee=_somme_validee(mois__year=perimetre.annee),
            heures_validees_cumul=_somme_validee(mois__lte=perimetre.fin),
        )
        .order_by("reference", "pk")
        .values(
            "pk",
            "reference",
            "objet",
            "date_debut",
            "date_fin",
            "heures_reservees",
            "heures_validees_annee",
            "heures_validees_cumul",
            acheteur_nom=F("acheteur__nom"),
            epci_nom=Coalesce("epci__nom", Value(SANS_EPCI)),
        )
    )
    for ligne in lignes:
        taux = taux_realisation(validees=ligne["heures_validees_cumul"], reservees=ligne["heures_reservees"])
        ligne["taux_realisation"] = None if taux is None else taux.quantize(Decimal("0.1"))
    return lignes


def _objectifs_des_epci(annee) -> dict:
    return dict(Objectif.objects.filter(annee=annee, epci__isnull=False).values_list("epci__siren", "heures"))


def _completer(lignes, *, cle, choix, total_cle="nb"):
    """All the choices in their order, with the counts found (zero otherwise), a label and a share.

    A code found in the data but missing from the choices (an old code) is listed last, as is."""
    trouve = {ligne[cle]: ligne for ligne in lignes}
    total = sum((ligne[total_cle] for ligne in lignes), 0)
    libelles = [*choix, *((code, code or NON_RENSEIGNE) for code in trouve if code not in dict(choix))]
    return [
        {
            "rang": rang,
            "code": code,
            "libelle": libelle,
            total_cle: trouve.get(code, {}).get(total_cle, 0),
            "part": _part(trouve.get(code, {}).get(total_cle, 0), total),
        }
        for rang, (code, libelle) in enumerate(libelles)
    ]


def chiffres(*, user, perimetre: Perimetre) -> dict:
    """The figures of the dashboard for a scope and a year (aggregates only: nobody's name or birth date)."""
    synthese = requetes.synthese(user=user, perimetre=perimetre)
    validees = synthese["heures_validees"]
    objectif = synthese["objectif_heures"]

    mois = requetes.par_mois(user=user, perimetre=perimetre)
    for ligne in mois:
        ligne["part_objectif"] = _part(ligne["cumul_validees"], objectif)

    objectifs_epci = _objectifs_des_epci(perimetre.annee)
    par_epci = requetes.par_epci(user=user, perimetre=perimetre)
    for ligne in par_epci:
        ligne["nom"] = ligne["nom"] or SANS_EPCI
        objectif_epci = objectifs_epci.get(ligne["siren"])
        ligne["objectif_heures"] = Decimal(objectif_epci) if objectif_epci else None
        ligne["progression"] = _part(ligne["heures_validees"], ligne["objectif_heures"])
        ligne["part"] = _part(ligne["heures_validees"], validees)

    par_acheteur = requetes.par_acheteur(user=user, perimetre=perimetre)
    for ligne in par_acheteur:
        ligne["part"] = _part(ligne["heures_validees"], validees)

    par_public = requetes.par_public(user=user, perimetre=perimetre)
    for rang, ligne in enumerate(par_public):
        ligne["rang"] = rang
        ligne["part"] = _part(ligne["heures_validees"], validees)

    modalites = _completer(
        requetes.par_modalite(user=user, perimetre=perimetre),
        cle="modalite",
        choix=Modalite.choices,
        total_cle="heures_validees",
    )
    for ligne in modalites:
        ligne["heures_validees"] = Decimal(ligne["heures_validees"])

    qualifications = [*NiveauQualification.choices, ("", NON_RENSEIGNE)]
    return {
        "perimetre": perimetre,
        "synthese": synthese,
        "par_mois": mois,
        "par_epci": par_epci,
        "par_acheteur": par_acheteur,
        "par_marche": par_marche(user=user, perimetre=perimetre),
        "par_public": par_public,
        "par_modalite": modalites,
        "par_sexe": _completer(
            requetes.par_sexe(user=user, perimetre=perimetre), cle="sexe", choix=Sexe.choices
        ),
        "par_tranche_age": _completer(
            requetes.par_tranche_age(user=user, perimetre=perimetre),
            cle="tranche",
            choix=[(t, t) for t in ("moins de 26 ans", "26 à 49 ans", "50 ans et plus")],
        ),
        "par_qualification": _completer(
            requetes.par_qualification(user=user, perimetre=perimetre),
            cle="niveau_qualification",
            choix=qualifications,
        ),
        "sorties": _completer(
            requetes.sorties_par_categorie(user=user, perimetre=perimetre),
            cle="categorie",
            choix=CategorieSortie.choices,
        ),
    }


def annees_disponibles(*, user, annee_demandee: int | None = None) -> list[int]:
    """Years with hours in the user's scope or a target, plus the current year (and the one asked), newest first."""
    annees = {d.year for d in HeuresRealisees.objects.for_user(user).dates("mois", "year")}
    annees |= set(Objectif.objects.order_by().values_list("annee", flat=True).distinct())
    annees.add(timezone.localdate().year)
    if annee_demandee:
        annees.add(annee_demandee)
    return sorted(annees, reverse=True)


def epci_du_territoire():
    return Epci.objects.order_by("nom")


def nb_mois_ecoules(annee: int, aujourd_hui: datetime.date | None = None) -> int:
    """Months of the year already begun: 12 for a past year, 0 for a future one."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    if annee < aujourd_hui.year:
        return 12
    if annee > aujourd_hui.year:
        return 0
    return aujourd_hui.month
