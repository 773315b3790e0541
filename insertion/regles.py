"""Rules on insertion hours and clauses, each with its French message, defined once.

The grid, the statement import, the services, the tables and the model constraints all call these.
"""

import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from insertion.enums import PriseEnCompteFormation, Statut
from portail.formats import heures as formater_heures
from portail.formats import nombre as formater_nombre
from portail.francais import de
from portail.periodes import libelle_mois, premier_jour

# One row: a month has at most 31 days × 24 hours.
HEURES_MAX_PAR_LIGNE = 744
# Monthly hours of one person across all rows: above the alert, the clerk must confirm; above the limit, refused.
SEUIL_ALERTE_HEURES_MOIS = Decimal(160)
SEUIL_MAX_HEURES_MOIS = Decimal(250)

MESSAGE_HEURES_LIGNE = (
    f"Le nombre d'heures d'une ligne doit être supérieur à 0 et au plus {HEURES_MAX_PAR_LIGNE} dans le mois."
)
# The monthly ceilings as the pages and the statement template state them, once.
MESSAGE_PLAFONDS_MENSUELS = (
    f"Au-delà de {formater_heures(SEUIL_ALERTE_HEURES_MOIS)} dans un mois pour une même personne, tous marchés "
    f"confondus, une confirmation est demandée ; au-delà de {formater_heures(SEUIL_MAX_HEURES_MOIS)}, la saisie "
    "est refusée."
)
MESSAGE_MOTIF_REJET = "Indiquez le motif du rejet : l'EPCI le verra."
# The Département's comment of a bilan: it prints on the bilan's second page, a few paragraphs at most.
TEXTE_MAX_COMMENTAIRE = 1500
MESSAGE_COMMENTAIRE_LONG = f"Le commentaire du bilan tient en {TEXTE_MAX_COMMENTAIRE} caractères au plus, pour tenir sur la page imprimée."

# A statement waiting for the confirmation of totals above the alert is kept this long, for its owner only.
DUREE_RELEVE_EN_ATTENTE = datetime.timedelta(hours=1)
MESSAGE_RELEVE_INDISPONIBLE = "Le fichier à confirmer n'est plus disponible : déposez-le de nouveau."


def heures_de_ligne_valides(heures: Decimal) -> bool:
    return Decimal(0) < heures <= HEURES_MAX_PAR_LIGNE


def erreur_total_mensuel(*, personne, mois: datetime.date, total: Decimal) -> str | None:
    """Refusal when a person's hours of a month, over every contract, exceed the limit."""
    if total <= SEUIL_MAX_HEURES_MOIS:
        return None
    return (
        f"{personne} totaliserait {formater_heures(total)} en {libelle_mois(mois)}, tous marchés confondus : "
        f"au-delà de {formater_heures(SEUIL_MAX_HEURES_MOIS)} par mois, la saisie est refusée."
    )


def alerte_total_mensuel(*, personne, mois: datetime.date, total: Decimal) -> str | None:
    """Warning (to be confirmed) when the total is above the alert threshold but within the limit."""
    if not SEUIL_ALERTE_HEURES_MOIS < total <= SEUIL_MAX_HEURES_MOIS:
        return None
    return (
        f"{personne} totalise {formater_heures(total)} en {libelle_mois(mois)}, tous marchés confondus "
        f"(plus de {formater_heures(SEUIL_ALERTE_HEURES_MOIS)})."
    )


def total_mensuel_en_alerte(total: Decimal) -> bool:
    return total > SEUIL_ALERTE_HEURES_MOIS


def erreur_mois_declarable(*, marche, mois: datetime.date, ce_mois: datetime.date) -> str | None:
    """Hours are declared for a month already begun and within the contract's execution period."""
    if mois > ce_mois:
        return f"Impossible de déclarer des heures pour {libelle_mois(mois)} : ce mois n'est pas commencé."
    if not premier_jour(marche.date_debut) <= mois <= premier_jour(marche.date_fin):
        return (
            f"{libelle_mois(mois).capitalize()} est hors de la période d'exécution du marché "
            f"{marche.libelle} (du {marche.date_debut:%d/%m/%Y} au {marche.date_fin:%d/%m/%Y})."
        )
    return None


def mois_declarable_proche(*, marche, mois: datetime.date, ce_mois: datetime.date) -> datetime.date | None:
    """The declarable month nearest to `mois` (within the execution period, already begun); None before the
    contract starts."""
    premier, dernier = premier_jour(marche.date_debut), min(premier_jour(marche.date_fin), ce_mois)
    if premier > dernier:
        return None
    return min(max(mois, premier), dernier)


def ligne_verrouillee(*, statut: str, user) -> bool:
    """A row validated by the Département is read-only for EPCI clerks; the Département may still correct it."""
    return statut == Statut.VALIDEES and not user.voit_tout


def message_ligne_verrouillee(*, personne, mois: datetime.date) -> str:
    return (
        f"Les heures {de(personne)} en {libelle_mois(mois)} sont déjà validées par le Département : elles ne "
        "peuvent plus être modifiées."
    )


def message_modifiee_entre_temps(*, personne, mois: datetime.date) -> str:
    """A row changed (or deleted) by someone else since the page was shown: nothing is overwritten unseen."""
    return (
        f"Les heures {de(personne)} en {libelle_mois(mois)} ont été modifiées par quelqu'un d'autre pendant votre "
        "saisie : rechargez la page pour voir la nouvelle valeur."
    )


def erreur_motif_rejet(motif: str) -> str | None:
    """A rejection needs a reason, which the EPCI reads."""
    return None if (motif or "").strip() else MESSAGE_MOTIF_REJET


def erreur_calibrage_nul(*, detail: str, heures_reservees) -> str | None:
    """A calibration giving 0 h (or nothing) is refused: a clause always reserves hours."""
    if heures_reservees:
        return None
    return (
        f"Le calcul donne {detail} : les heures réservées doivent être supérieures à 0. Vérifiez la part de "
        "main-d'œuvre et le taux d'insertion, ou indiquez les heures fixées par le marché."
    )


# --- calibration of a clause -----------------------------------------------------------------------

POURCENTAGE_MAX = Decimal(100)
MESSAGE_COUT_HORAIRE = "Le coût horaire doit être supérieur à 0 €/h."
MESSAGE_HEURES_FIXEES = "Les heures réservées fixées par le marché doivent être supérieures à 0."


def message_pourcentage(libelle: str) -> str:
    """`libelle` is the input's name with its article: "La part de main-d'œuvre"."""
    return f"{libelle} est un pourcentage entre 0 et 100."


def erreur_entrees_calibrage(*, part_main_oeuvre, taux_insertion, cout_horaire, heures_fixees) -> str | None:
    for valeur, libelle in [
        (part_main_oeuvre, "La part de main-d'œuvre"),
        (taux_insertion, "Le taux d'insertion"),
    ]:
        if valeur is None or not 0 <= valeur <= POURCENTAGE_MAX:
            return message_pourcentage(libelle)
    if cout_horaire is None or cout_horaire <= 0:
        return MESSAGE_COUT_HORAIRE
    if heures_fixees is not None and heures_fixees <= 0:
        return MESSAGE_HEURES_FIXEES
    return None


# --- training hours and the yearly target ---------------------------------------------------------


def _prise_en_compte(parametres) -> tuple[str, Decimal | None]:
    """The setting of `ParametresObjectif` (None: no row, every training hour counts)."""
    if parametres is None:
        return PriseEnCompteFormation.TOUTES, None
    return parametres.prise_en_compte_formation, parametres.plafond_formation


def heures_comptees(*, travaillees: Decimal, formation: Decimal, parametres) -> Decimal:
    """Hours counted toward the target: hours worked plus training hours as `parametres` says.

    Capped at p %: the training hours counted are at most p % of the counted total, i.e.
    min(formation, travaillees × p ÷ (100 − p)) for p < 100 (rounded down to the hundredth), all of them at 100."""
    mode, plafond = _prise_en_compte(parametres)
    travaillees, formation = Decimal(travaillees), Decimal(formation)
    if mode == PriseEnCompteFormation.EXCLUES:
        return travaillees
    if mode == PriseEnCompteFormation.PLAFONNEES:
        plafond = Decimal(plafond or 0)
        if plafond < 100:
            maximum = (travaillees * plafond / (100 - plafond)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
            formation = min(formation, maximum)
    return travaillees + formation


def formation_toutes_comptees(parametres) -> bool:
    """True when the counted hours are the validated hours whatever the data (no training hour left out)."""
    mode, plafond = _prise_en_compte(parametres)
    return mode == PriseEnCompteFormation.TOUTES or (
        mode == PriseEnCompteFormation.PLAFONNEES and plafond is not None and plafond >= 100
    )


def phrase_heures_formation(parametres) -> str:
    """How training hours count toward the target, as the dashboard and the bilan say it."""
    mode, plafond = _prise_en_compte(parametres)
    if mode == PriseEnCompteFormation.EXCLUES:
        return (
            "Les heures de formation sont indiquées à part et ne comptent pas pour l'objectif : "
            "seules les heures travaillées comptent."
        )
    if mode == PriseEnCompteFormation.PLAFONNEES and (plafond is None or plafond < 100):
        taux = formater_nombre(plafond or 0, 2, decimales_facultatives=True)
        return (
            "Les heures de formation sont indiquées à part ; elles comptent pour l'objectif dans la limite de "
            f"{taux}\u00a0% des heures comptées."
        )
    return "Les heures de formation sont indiquées à part ; elles comptent toutes pour l'objectif."


# --- hours due by a date ---------------------------------------------------------------------------


def part_ecoulee(*, debut: datetime.date, fin: datetime.date, jour: datetime.date) -> Decimal:
    """Elapsed share of the execution period [debut, fin] at the end of `jour`, between 0 and 1.

    Both ends count as days of execution: a one-day contract is entirely due on its day, nothing is due the day
    before it starts, everything from its last day on.
    """
    if jour < debut:
        return Decimal(0)
    if jour >= fin:
        return Decimal(1)
    return Decimal((jour - debut).days + 1) / Decimal((fin - debut).days + 1)


def heures_dues(*, heures_reservees, debut: datetime.date, fin: datetime.date, jour: datetime.date):
    """Reserved hours × elapsed share of the execution period, to the hour; None for an uncalibrated clause."""
    if heures_reservees is None:
        return None
    dues = Decimal(heures_reservees) * part_ecoulee(debut=debut, fin=fin, jour=jour)
    return dues.quantize(Decimal(1), rounding=ROUND_HALF_UP)


# --- yearly closing ----------------------------------------------------------------------------------

MESSAGE_MOTIF_REOUVERTURE = "Indiquez le motif de la réouverture : il reste dans l'historique de l'année."
MESSAGE_DATE_CLOTURE = "Indiquez la date de clôture (jj/mm/aaaa)."


def message_annee_cloturee(*, annee: int, date_cloture: datetime.date) -> str:
    """The refusal of every write on the hours of a closed year (grid, import, validation, merges)."""
    return (
        f"L'année {annee} est clôturée depuis le {date_cloture:%d/%m/%Y} : ses heures ne peuvent plus être "
        "modifiées. Le Département peut la rouvrir."
    )


def erreur_date_cloture(*, annee: int, date_cloture: datetime.date | None, aujourd_hui: datetime.date):
    """A year is closed once it has ended, at a date that has come."""
    if date_cloture is None:
        return MESSAGE_DATE_CLOTURE
    if date_cloture.year <= annee:
        return (
            f"L'année {annee} ne peut être clôturée qu'une fois terminée : indiquez une date à partir du "
            f"01/01/{annee + 1}."
        )
    if date_cloture > aujourd_hui:
        return f"La date de clôture ne peut pas dépasser aujourd'hui ({aujourd_hui:%d/%m/%Y})."
    return None


def avertissement_lignes_declarees(*, annee: int, lignes: int, heures: Decimal) -> str | None:
    """Closing a year with hours still waiting for validation needs a confirmation: they would stay unvalidated."""
    if not lignes:
        return None
    pluriel = "s" if lignes > 1 else ""
    return (
        f"{lignes} ligne{pluriel} d'heures de {annee} ({formater_heures(heures)}) "
        f"{'sont' if lignes > 1 else 'est'} encore déclarée{pluriel} sans être validée{pluriel} ni "
        f"rejetée{pluriel} : une fois l'année clôturée, elle{pluriel} ne pourr{'ont' if lignes > 1 else 'a'} "
        f"plus l'être et ne compter{'ont' if lignes > 1 else 'a'} pas dans le bilan. Cochez la confirmation "
        "pour clôturer quand même."
    )
