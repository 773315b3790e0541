"""The breakdowns of people of the whole Département, EPCI by EPCI: one grouped query per breakdown.

Rows: the SIREN of each EPCI (None for the contracts attached to no EPCI); columns: the categories. They
feed the statistical secret across scopes (`secret_croise`), whatever the reader's own scope: a reader
only ever sees its own EPCI's row. Same definitions as `requetes` (people with validated hours in the
year; sorties dated in the year of people who worked hours in the EPCI), so an EPCI's row is exactly its
dashboard's figures.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum

from beneficiaires.enums import CodePublic
from beneficiaires.models import Public, Sortie
from insertion.enums import Statut
from insertion.indicateurs.requetes import TRANCHES_AGE, Perimetre, public_ce_mois
from insertion.models import HeuresRealisees

SIREN = "clause__lot__marche__epci__siren"


@dataclass(frozen=True)
class Matrices:
    """EPCI SIREN -> category code -> count of people (or sorties); missing cells are zeros."""

    personnes: dict  # SIREN -> people of the EPCI
    publics: dict  # SIREN -> public code -> people of that public
    par_sexe: dict
    par_tranche_age: dict
    par_qualification: dict
    sorties: dict
    # (SIREN, buyer SIRET or modality code) -> (validated hours, people)
    heures_par_acheteur: dict
    heures_par_modalite: dict


def _en_matrice(lignes, *, cle: str = "code", valeur: str = "nb") -> dict:
    matrice = defaultdict(dict)
    for ligne in lignes:
        matrice[ligne["siren"]][ligne[cle]] = ligne[valeur]
    return dict(matrice)


def _heures(validees, colonne: str) -> dict:
    lignes = validees.values(siren=F(SIREN), code=F(colonne)).annotate(
        heures=Sum("heures"), nb=Count("beneficiaire", distinct=True)
    )
    return {(ligne["siren"], ligne["code"]): (ligne["heures"], ligne["nb"]) for ligne in lignes}


def matrices(*, annee: int) -> Matrices:
    """Eight grouped queries, whatever the number of EPCI or people."""
    perimetre = Perimetre(annee=annee)
    validees = HeuresRealisees.objects.filter(mois__year=annee, statut=Statut.VALIDEES).order_by()
    codes = list(Public.objects.order_by("ordre").values_list("code", flat=True))
    codes += [CodePublic.BRSA] if CodePublic.BRSA not in codes else []
    par_epci = list(
        validees.annotate(**{f"p_{code}": public_ce_mois(code) for code in codes})
        .values(siren=F(SIREN))
        .annotate(
            nb=Count("beneficiaire", distinct=True),
            **{
                f"n_{code}": Count("beneficiaire", filter=Q(**{f"p_{code}": True}), distinct=True)
                for code in codes
            },
        )
    )

    def par_personne(champ):
        lignes = validees.values(siren=F(SIREN), code=F(f"beneficiaire__{champ}"))
        return _en_matrice(lignes.annotate(nb=Count("beneficiaire", distinct=True)))

    fin = perimetre.fin
    limite_26 = fin.replace(year=fin.year - 26)
    limite_50 = fin.replace(year=fin.year - 50)
    naissance = "beneficiaire__date_naissance"
    ages = validees.values(siren=F(SIREN)).annotate(
        moins_26=Count("beneficiaire", filter=Q(**{f"{naissance}__gt": limite_26}), distinct=True),
        de_26_a_49=Count(
            "beneficiaire",
            filter=Q(**{f"{naissance}__lte": limite_26, f"{naissance}__gt": limite_50}),
            distinct=True,
        ),
        plus_50=Count("beneficiaire", filter=Q(**{f"{naissance}__lte": limite_50}), distinct=True),
    )
    tranches = list(zip(TRANCHES_AGE, ("moins_26", "de_26_a_49", "plus_50"), strict=True))
    par_tranche_age = {ligne["siren"]: {tranche: ligne[cle] for tranche, cle in tranches} for ligne in ages}
    sorties = (
        Sortie.objects.filter(
            date__year=annee, beneficiaire__heures__statut__in=[Statut.DECLAREES, Statut.VALIDEES]
        )
        .order_by()
        .values(siren=F(f"beneficiaire__heures__{SIREN}"), code=F("categorie"))
        .annotate(nb=Count("pk", distinct=True))
    )
    return Matrices(
        personnes={ligne["siren"]: ligne["nb"] for ligne in par_epci},
        publics={ligne["siren"]: {code: ligne[f"n_{code}"] for code in codes} for ligne in par_epci},
        par_sexe=par_personne("sexe"),
        par_tranche_age=par_tranche_age,
        par_qualification=par_personne("niveau_qualification"),
        sorties=_en_matrice(sorties),
        heures_par_acheteur=_heures(validees, "clause__lot__marche__acheteur__siret"),
        heures_par_modalite=_heures(validees, "modalite"),
    )
