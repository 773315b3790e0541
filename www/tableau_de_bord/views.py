"""The dashboard and its figures as JSON (the printable yearly bilan is in `bilan`).

Aggregates only (nobody's name or birth date), so every signed-in user reads them, within their scope:
Département staff and readers attached to no EPCI see the whole Département and may pick an EPCI;
EPCI clerks and EPCI readers are locked to their EPCI whatever they ask (`indicateurs.perimetre_pour`).
"""

import datetime
from dataclasses import dataclass, field, fields
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from insertion.cloture import cloture_de
from insertion.indicateurs.chiffres import Chiffres, calculer_chiffres, nb_mois_ecoules, part
from insertion.indicateurs.pilotage import rapprochement_objectifs
from insertion.indicateurs.requetes import Perimetre, annees_disponibles, perimetre_pour
from marches.selectors import epci_du_territoire, epci_par_siren
from portail.acces import utilisateur_ou_404
from portail.formats import Masque
from portail.periodes import ANNEE_MAX, ANNEE_MIN, libelle_mois
from portail.requetes import PaginationTable
from portail.tableurs import ExportTableur
from www.tableau_de_bord import graphiques
from www.tableau_de_bord.tables import TABLES, construire_tables

MARCHES_PAR_PAGE = 25
NOM_DEPARTEMENT = "Département de Maine-et-Loire"
ERREUR_ANNEE = (
    "Paramètre « annee » invalide : indiquez une année sur quatre chiffres, "
    f"entre {ANNEE_MIN} et {ANNEE_MAX} (par exemple 2025)."
)


@dataclass
class Demande:
    """What the query string asks for, once read and scoped to the user."""

    perimetre: Perimetre
    annee_saisie: str = ""
    siren_saisi: str = ""
    annee_invalide: bool = False
    epci_inconnu: bool = False
    erreurs: list[str] = field(default_factory=list)

    @property
    def libelle(self) -> str:
        return self.perimetre.epci.nom if self.perimetre.epci else NOM_DEPARTEMENT

    def parametres(self, user) -> dict:
        """The query string that gives this scope back (the EPCI only for those who choose it)."""
        parametres = {"annee": str(self.perimetre.annee)}
        if self.perimetre.epci and user.voit_plusieurs_epci:
            parametres["epci"] = self.perimetre.epci.siren
        return parametres


def lire_demande(request) -> Demande:
    user = request.user
    annee_saisie = request.GET.get("annee", "").strip()
    annee, annee_invalide = timezone.localdate().year, False
    if annee_saisie:
        lisible = annee_saisie.isascii() and annee_saisie.isdigit() and len(annee_saisie) <= 4
        valeur = int(annee_saisie) if lisible else None
        if valeur is not None and ANNEE_MIN <= valeur <= ANNEE_MAX:
            annee = valeur
        else:
            annee_invalide = True

    siren_saisi = request.GET.get("epci", "").strip()
    epci, epci_inconnu = None, False
    if siren_saisi and user.voit_plusieurs_epci:  # the others are locked: what they ask is ignored
        epci = epci_par_siren(siren_saisi)
        epci_inconnu = epci is None

    demande = Demande(
        perimetre=perimetre_pour(user=user, annee=annee, epci=epci),
        annee_saisie=annee_saisie,
        siren_saisi=siren_saisi,
        annee_invalide=annee_invalide,
        epci_inconnu=epci_inconnu,
    )
    if annee_invalide:
        demande.erreurs.append(
            f"L'année « {annee_saisie} » n'est pas valide (attendu : une année sur quatre chiffres, "
            f"entre {ANNEE_MIN} et {ANNEE_MAX}) : voici l'année {annee}."
        )
    if epci_inconnu:
        demande.erreurs.append(
            f"Aucun EPCI n'a le SIREN « {siren_saisi} » : voici les chiffres de tout le Département."
        )
    return demande


def _graphiques(chiffres: Chiffres, jour: datetime.date) -> dict:
    return {
        "mois": graphiques.courbe_cumulee(
            cumuls=[ligne.cumul_validees for ligne in chiffres.par_mois],
            objectif=chiffres.synthese.objectif_heures,
            nb_mois=nb_mois_ecoules(chiffres.perimetre.annee, jour),
            cumuls_avec_declarees=[ligne.cumul_avec_declarees for ligne in chiffres.par_mois],
            cumuls_n1=[ligne.cumul_validees_n1 for ligne in chiffres.par_mois],
            projection=chiffres.synthese.projection,
        ),
        "epci": graphiques.barres(
            elements=[(ligne.nom, ligne.heures_validees) for ligne in chiffres.par_epci],
            titre="Heures validées par EPCI",
        ),
        "publics": graphiques.barres(
            elements=[(ligne.libelle, ligne.heures_validees) for ligne in chiffres.par_public],
            titre="Heures validées par public",
        ),
        "modalites": graphiques.barres(
            elements=[(ligne.libelle, ligne.heures_validees) for ligne in chiffres.par_modalite],
            titre="Heures validées par modalité",
        ),
    }


def note_secret(seuil: int) -> str:
    return (
        f"Les effectifs inférieurs à {seuil} personnes sont masqués (secret statistique), "
        "ainsi que les cases qui permettraient de les retrouver."
    )


def _secret(chiffres: Chiffres) -> dict:
    """What the templates say about the statistical secret (`applique` false for staff and clerks)."""
    seuil = chiffres.seuil_secret
    if seuil is None:
        return {"applique": False, "tout_masque": False, "brsa_masque": False}
    synthese = chiffres.synthese
    return {
        "applique": True,
        "seuil": seuil,
        "note": note_secret(seuil),
        "tout_masque": isinstance(synthese.nb_beneficiaires, Masque),
        "brsa_masque": isinstance(synthese.nb_beneficiaires_brsa, Masque),
    }


def _lignes_projection(synthese) -> list[tuple[str, Decimal, Decimal | None]]:
    """(label, hours, share of the target) of the projection's three values, for its table."""
    prevue = synthese.projection
    if prevue is None or isinstance(prevue, Masque):
        return []
    return [
        (libelle, valeur, part(valeur, synthese.objectif_heures))
        for libelle, valeur in (
            ("Fourchette basse", prevue.basse),
            ("Valeur centrale", prevue.centrale),
            ("Fourchette haute", prevue.haute),
        )
    ]


def _contexte(request, demande: Demande, chiffres: Chiffres, tables: dict, jour: datetime.date) -> dict:
    synthese = chiffres.synthese
    progression = synthese.progression
    if isinstance(progression, Masque):
        progression = None
    parametres = demande.parametres(request.user)
    return {
        # None while the year is open: its figures are provisional.
        "cloture": cloture_de(demande.perimetre.annee),
        "secret": _secret(chiffres),
        "progression_masquee": isinstance(synthese.progression, Masque),
        "annee": str(demande.perimetre.annee),
        "libelle_perimetre": demande.libelle,
        "synthese": synthese,
        # Width of the progress bar: the rate, capped at 100.
        "progression_barre": str(min(int(progression), 100)) if progression is not None else "0",
        "objectif_depasse": progression is not None and progression >= 100,
        "graphiques": _graphiques(chiffres, jour),
        "tables": tables,
        "projection": synthese.projection,
        "projection_masquee": isinstance(synthese.projection, Masque),
        "n1_masquee": isinstance(synthese.heures_validees_n1, Masque),
        "annee_precedente": str(demande.perimetre.annee - 1),
        "rapprochement": rapprochement_objectifs(chiffres),
        "lignes_projection": _lignes_projection(synthese),
        "mois_comparaison": libelle_mois(synthese.mois_comparaison) if synthese.mois_comparaison else "",
        "url_tableau_de_bord": f"{reverse('tableau_de_bord:page')}?{urlencode(parametres)}",
        "url_bilan": f"{reverse('tableau_de_bord:bilan')}?{urlencode(parametres)}",
        "url_classeur": f"{reverse('tableau_de_bord:classeur')}?{urlencode(parametres)}",
        "url_json": f"{reverse('tableau_de_bord:json')}?{urlencode(parametres)}",
    }


def _urls_export(request, demande: Demande, tables: dict):
    for nom, table in tables.items():
        parametres = demande.parametres(request.user)
        tri = request.GET.get(table.prefixed_order_by_field)
        if tri:
            parametres[table.prefixed_order_by_field] = tri
        table.url_xlsx = "?" + urlencode({**parametres, "_export": "xlsx", "table": nom})
        table.url_csv = "?" + urlencode({**parametres, "_export": "csv", "table": nom})


def _exporter(request, demande: Demande, tables: dict, format_export: str):
    nom = request.GET.get("table", "")
    if format_export not in ExportTableur.FORMATS_PROPOSES or nom not in TABLES:
        raise Http404("Export inconnu.")
    table = tables[nom]
    PaginationTable(request, paginate=False).configure(table)
    perimetre = demande.perimetre
    suffixe = f"-{perimetre.epci.siren}" if perimetre.epci else ""
    fichier = f"tableau-de-bord-{perimetre.annee}{suffixe}-{nom}.{format_export}"
    return ExportTableur(format_export, table, dataset_kwargs={"title": table.feuille}).response(
        filename=fichier
    )


@utilisateur_ou_404("is_authenticated")
def tableau_de_bord(request):
    user = request.user
    jour = timezone.localdate()
    demande = lire_demande(request)
    chiffres = calculer_chiffres(user=user, perimetre=demande.perimetre, jour=jour)
    tables = construire_tables(chiffres)

    format_export = request.GET.get("_export")
    if format_export:
        return _exporter(request, demande, tables, format_export)

    for nom, table in tables.items():
        pagination = {"per_page": MARCHES_PAR_PAGE} if nom == "marches" else False
        PaginationTable(request, paginate=pagination).configure(table)
    _urls_export(request, demande, tables)
    for erreur in demande.erreurs:
        messages.warning(request, erreur)

    peut_filtrer = user.voit_plusieurs_epci
    contexte = _contexte(request, demande, chiffres, tables, jour) | {
        "annees": [str(a) for a in annees_disponibles(user=user, annee_demandee=demande.perimetre.annee)],
        "peut_filtrer_epci": peut_filtrer,
        "epcis": list(epci_du_territoire()) if peut_filtrer else [],
        "siren_choisi": demande.perimetre.epci.siren if demande.perimetre.epci else "",
        "exports": True,
    }
    return render(request, "tableau_de_bord/page.html", contexte)


# --- JSON ------------------------------------------------------------------------------------------


def _nombre(valeur):
    """Decimals as JSON numbers: an integer when whole, a float otherwise; a masked figure is null."""
    if valeur is None or isinstance(valeur, Masque):
        return None
    if isinstance(valeur, Decimal):
        return int(valeur) if valeur == valeur.to_integral_value() else float(valeur)
    return valeur


def _masquee(ligne) -> bool:
    return any(isinstance(getattr(ligne, champ.name), Masque) for champ in fields(ligne))


def _lignes(lignes, **champs):
    """Each row as a dict of JSON values; `champs` maps the JSON key to the row's attribute. `masque` tells
    that the row's figures about people (counts, hours, shares, rates) are null by statistical secret."""
    return [
        {cle: _json(getattr(ligne, source)) for cle, source in champs.items()} | {"masque": _masquee(ligne)}
        for ligne in lignes
    ]


def _json(valeur):
    if isinstance(valeur, datetime.date):
        return valeur.isoformat()
    return _nombre(valeur)


def _secret_json(chiffres: Chiffres) -> dict | None:
    """None when every figure is shown; otherwise the threshold and the summary keys that are null."""
    if chiffres.seuil_secret is None:
        return None
    masques = [
        champ.name
        for champ in fields(chiffres.synthese)
        if isinstance(getattr(chiffres.synthese, champ.name), Masque)
    ]
    return {"seuil": chiffres.seuil_secret, "note": note_secret(chiffres.seuil_secret), "masques": masques}


def _projection_json(projection) -> dict | None:
    """None for a year without projection (over, or not begun) and when masked by statistical secret."""
    if projection is None or isinstance(projection, Masque):
        return None
    return {
        "basse": _nombre(projection.basse),
        "centrale": _nombre(projection.centrale),
        "haute": _nombre(projection.haute),
        "methode": projection.methode,
    }


def _rapprochement_json(chiffres: Chiffres) -> dict | None:
    rapprochement = rapprochement_objectifs(chiffres)
    if rapprochement is None:
        return None
    return {
        "objectif_departement": rapprochement.objectif_departement,
        "somme_objectifs_epci": rapprochement.somme_objectifs_epci,
        "ecart": rapprochement.ecart,
        "lignes": _lignes(
            rapprochement.lignes,
            nom="nom",
            objectif_heures="objectif_heures",
            heures_comptees="heures_comptees",
            nb_epci="nb_epci",
        ),
    }


def en_json(demande: Demande, chiffres: Chiffres) -> dict:
    s = chiffres.synthese
    epci = demande.perimetre.epci
    cloture = cloture_de(demande.perimetre.annee)
    return {
        "secret_statistique": _secret_json(chiffres),
        "annee": demande.perimetre.annee,
        # A closed year's figures are final; an open year's are provisional.
        "definitif": cloture is not None,
        "cloture_le": cloture.date_cloture.isoformat() if cloture else None,
        "perimetre": {
            "libelle": demande.libelle,
            "epci": {"siren": epci.siren, "nom": epci.nom} if epci else None,
        },
        "objectif_heures": _nombre(s.objectif_heures),
        "heures_validees": _nombre(s.heures_validees),
        # Training hours apart from hours worked; the progression is of the counted hours.
        "heures_formation": _nombre(s.heures_formation),
        "heures_travaillees": _nombre(s.heures_travaillees),
        "heures_comptees": _nombre(s.heures_comptees),
        "prise_en_compte_formation": s.regle_formation,
        "progression": _nombre(s.progression),
        "heures_restantes": _nombre(s.heures_restantes),
        "etp": _nombre(s.etp),
        "heures_declarees": _nombre(s.heures_declarees),
        "heures_brsa": _nombre(s.heures_brsa),
        "part_brsa": _nombre(s.part_brsa),
        "nb_beneficiaires": _nombre(s.nb_beneficiaires),
        "nb_beneficiaires_brsa": _nombre(s.nb_beneficiaires_brsa),
        "nb_marches": s.nb_marches,
        "heures_reservees": _nombre(s.heures_reservees),
        # The lifetime figure above is of the whole duration of the contracts; this one, of the year.
        "heures_reservees_annee": _nombre(s.heures_reservees_annee),
        "projection": _projection_json(s.projection),
        "annee_precedente": None
        if s.mois_comparaison is None
        else {
            "annee": demande.perimetre.annee - 1,
            "jusqu_au_mois": f"{s.mois_comparaison:%Y-%m}",
            "heures_validees": _nombre(s.heures_validees_n1),
        },
        "rapprochement_objectifs": _rapprochement_json(chiffres),
        "par_mois": [
            {
                "mois": f"{ligne.mois:%Y-%m}",
                "heures_validees": _nombre(ligne.heures_validees),
                "heures_declarees": _nombre(ligne.heures_declarees),
                "cumul_validees": _nombre(ligne.cumul_validees),
                "cumul_comptees": _nombre(ligne.cumul_comptees),
                "cumul_avec_declarees": _nombre(ligne.cumul_avec_declarees),
                "cumul_validees_n1": _nombre(ligne.cumul_validees_n1),
                "masque": _masquee(ligne),
            }
            for ligne in chiffres.par_mois
        ],
        "par_epci": _lignes(
            chiffres.par_epci,
            siren="siren",
            nom="nom",
            heures_validees="heures_validees",
            heures_declarees="heures_declarees",
            nb_beneficiaires="nb_beneficiaires",
            objectif_heures="objectif_heures",
            progression="progression",
        ),
        "par_acheteur": _lignes(
            chiffres.par_acheteur,
            siret="siret",
            nom="nom",
            heures_validees="heures_validees",
            heures_declarees="heures_declarees",
        ),
        "par_marche": _lignes(
            chiffres.par_marche,
            id="pk",
            reference="reference",
            objet="objet",
            acheteur="acheteur_nom",
            epci="epci_nom",
            date_debut="date_debut",
            date_fin="date_fin",
            heures_reservees="heures_reservees",
            heures_validees_annee="heures_validees_annee",
            heures_validees_cumul="heures_validees_cumul",
            taux_realisation="taux_realisation",
        ),
        "par_public": _lignes(
            chiffres.par_public,
            code="code",
            libelle="libelle",
            heures_validees="heures_validees",
            nb_beneficiaires="nb_beneficiaires",
        ),
        "par_modalite": _lignes(
            chiffres.par_modalite, code="code", libelle="libelle", heures_validees="heures_validees"
        ),
        "par_sexe": _lignes(chiffres.par_sexe, code="code", libelle="libelle", nb="nb"),
        "par_tranche_age": _lignes(chiffres.par_tranche_age, libelle="libelle", nb="nb"),
        "par_qualification": _lignes(chiffres.par_qualification, code="code", libelle="libelle", nb="nb"),
        "sorties": _lignes(chiffres.sorties, code="code", libelle="libelle", nb="nb"),
    }


@utilisateur_ou_404("is_authenticated")
def indicateurs_json(request):
    demande = lire_demande(request)
    if demande.annee_invalide:
        return JsonResponse({"erreur": ERREUR_ANNEE}, status=400, json_dumps_params={"ensure_ascii": False})
    if demande.epci_inconnu:
        return JsonResponse(
            {"erreur": f"EPCI inconnu : aucun EPCI n'a le SIREN « {demande.siren_saisi} »."},
            status=404,
            json_dumps_params={"ensure_ascii": False},
        )
    chiffres = calculer_chiffres(user=request.user, perimetre=demande.perimetre, jour=timezone.localdate())
    return JsonResponse(en_json(demande, chiffres), json_dumps_params={"ensure_ascii": False})
