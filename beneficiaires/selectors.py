"""Reads on beneficiaries, scoped by user. Their hours are read by `insertion.selectors` (hours are
insertion's): this app does not depend on it."""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from beneficiaires.enums import CodePublic, VerificationEligibilite
from beneficiaires.identite import cle_identite, normaliser_nom
from beneficiaires.models import AccesDonnees, Beneficiaire, Eligibilite, Public, Sortie
from beneficiaires.ressemblance import identites_proches
from comptes.models import User
from portail import historique
from territoires.models import Commune

# Fields of a person's record whose changes the history shows.
CHAMPS_HISTORIQUE = [
    "nom",
    "prenom",
    "date_naissance",
    "sexe",
    "commune",
    "niveau_qualification",
    "date_entree",
    "cree_par_epci",
    "anonymise_le",
]
TAILLE_HISTORIQUE = 50


def eligibilites_en_cours(*, jour: datetime.date):
    """Eligibility periods covering `jour`."""
    return Q(date_debut__lte=jour) & (Q(date_fin__isnull=True) | Q(date_fin__gte=jour))


def personnes_connues(*, user, cles) -> dict[str, Beneficiaire]:
    """People of the user's scope whose matching key is in `cles`, by key, in one query.

    Only the scope is searched: a clerk never learns whether someone outside their EPCI exists (the same person
    entered by two EPCI makes two records, which the Département merges). When several records of the scope share
    a key, the oldest is taken.
    """
    connues = {}
    for personne in Beneficiaire.objects.for_user(user).filter(cle_identite__in=set(cles)).order_by("-pk"):
        connues[personne.cle_identite] = personne
    return connues


def personne_connue(*, user, nom: str, prenom: str, date_naissance: datetime.date) -> Beneficiaire | None:
    """Exact match on name, first name and birth date (accents and case ignored), within the user's scope."""
    cle = cle_identite(nom, prenom, date_naissance)
    return personnes_connues(user=user, cles=[cle]).get(cle)


# Records born the same day compared in Python at most, and candidates shown at most.
PROCHES_EXAMINEES_MAX = 500
PROCHES_MAX = 10
RECHERCHE_PERSONNES_MAX = 20


def personnes_proches(*, user, nom: str, prenom: str, date_naissance: datetime.date) -> list[Beneficiaire]:
    """People of the user's scope born on `date_naissance` whose name is close (beneficiaires/ressemblance.py),
    exact matches included; anonymised records never. Only the scope is read: a clerk's search never touches a
    record outside their EPCI. Two queries at most, whatever the number of people."""
    nees_le_meme_jour = (
        Beneficiaire.objects.for_user(user)
        .filter(date_naissance=date_naissance, anonymise_le__isnull=True)
        .select_related("commune", "cree_par_epci")
        .order_by("cle_identite", "pk")[:PROCHES_EXAMINEES_MAX]
    )
    proches = [
        personne
        for personne in nees_le_meme_jour
        if identites_proches(nom=nom, prenom=prenom, autre_nom=personne.nom, autre_prenom=personne.prenom)
    ]
    return proches[:PROCHES_MAX]


def rechercher_personnes(*, user, texte: str, annee: int | None = None) -> tuple[list[Beneficiaire], bool]:
    """People of the user's scope (anonymised ones left out) whose name or first name holds every word of
    `texte` (accents, case, hyphens and apostrophes ignored), born in `annee` if given (a word of four digits
    in `texte` counts as the year): the first RECHERCHE_PERSONNES_MAX of them, in alphabetical order ignoring
    accents, and whether there are more. One query."""
    mots = normaliser_nom(texte).split()
    if annee is None:
        annee = next((int(mot) for mot in mots if mot.isdigit() and len(mot) == 4), None)
    # The key is "nom|prénom|date": a word with a letter can only be found in the names.
    mots = [mot for mot in mots if not mot.isdigit()]
    if not mots and annee is None:
        return [], False
    personnes = Beneficiaire.objects.for_user(user).filter(anonymise_le__isnull=True)
    for mot in mots:
        personnes = personnes.filter(cle_identite__contains=mot)
    if annee is not None:
        personnes = personnes.filter(date_naissance__year=annee)
    trouvees = list(
        personnes.select_related("commune").order_by("cle_identite", "pk")[: RECHERCHE_PERSONNES_MAX + 1]
    )
    return trouvees[:RECHERCHE_PERSONNES_MAX], len(trouvees) > RECHERCHE_PERSONNES_MAX


def get_personne_a_reprendre_for_user(*, user, public_id) -> Beneficiaire:
    """A person of the user's scope to add to a grid, or 404 (anonymised people, and anything that is not a
    public id, included)."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    return get_object_or_404(
        Beneficiaire.objects.for_user(user).filter(anonymise_le__isnull=True), public_id=public_id
    )


def beneficiaires_pour_liste(*, user):
    """The people a user may see, with their current publics (one query for the page's publics)."""
    aujourd_hui = timezone.localdate()
    brsa_en_cours = Eligibilite.objects.filter(
        eligibilites_en_cours(jour=aujourd_hui), beneficiaire=OuterRef("pk"), public__code=CodePublic.BRSA
    )
    return (
        Beneficiaire.objects.for_user(user)
        .select_related("commune")
        .annotate(brsa_en_cours=Exists(brsa_en_cours))
        .prefetch_related(
            Prefetch(
                "eligibilites",
                queryset=Eligibilite.objects.filter(eligibilites_en_cours(jour=aujourd_hui))
                .select_related("public")
                .order_by("public__ordre", "public__libelle"),
                to_attr="eligibilites_en_cours",
            )
        )
    )


def rechercher(beneficiaires, *, texte: str):
    """Every word typed must appear in the matching key ("nom|prénom|date", accents and case ignored)."""
    for mot in normaliser_nom(texte).split():
        beneficiaires = beneficiaires.filter(cle_identite__contains=mot)
    return beneficiaires


def filtrer_par_public(beneficiaires, *, public):
    """People who belonged to this public at some point of their parcours."""
    return beneficiaires.filter(
        Exists(Eligibilite.objects.filter(beneficiaire=OuterRef("pk"), public=public))
    )


def filtrer_brsa_en_cours(beneficiaires):
    en_cours = Eligibilite.objects.filter(
        eligibilites_en_cours(jour=timezone.localdate()),
        beneficiaire=OuterRef("pk"),
        public__code=CodePublic.BRSA,
    )
    return beneficiaires.filter(Exists(en_cours))


def filtrer_eligibilite_a_verifier(beneficiaires):
    """People with a public declared by a clerk that the Département has not verified (nor refused) yet."""
    declarees = Eligibilite.objects.filter(
        beneficiaire=OuterRef("pk"), verification=VerificationEligibilite.DECLAREE
    )
    return beneficiaires.filter(Exists(declarees))


def get_beneficiaire_for_user(*, user, public_id) -> Beneficiaire:
    """The person, or 404 when the user may not see them (readers never see anyone)."""
    if not (user.is_authenticated and user.voit_donnees_personnelles):
        raise Http404
    return get_object_or_404(
        Beneficiaire.objects.for_user(user).select_related("commune", "cree_par_epci"), public_id=public_id
    )


@dataclass(frozen=True)
class PeriodePublicAffichee:
    eligibilite: Eligibilite
    en_cours: bool


@dataclass(frozen=True)
class Modification:
    champ: str
    avant: str
    apres: str


@dataclass(frozen=True)
class EntreeHistorique:
    date: datetime.datetime
    auteur: str
    action: str
    modifications: list[Modification]


def publics_du_beneficiaire(*, beneficiaire: Beneficiaire) -> list[PeriodePublicAffichee]:
    """Every eligibility period of the person, most recent first, with an "en cours" flag."""
    aujourd_hui = timezone.localdate()
    periodes = beneficiaire.eligibilites.select_related("public").order_by("-date_debut", "public__ordre")
    return [
        PeriodePublicAffichee(
            eligibilite=periode,
            en_cours=periode.date_debut <= aujourd_hui
            and (periode.date_fin is None or periode.date_fin >= aujourd_hui),
        )
        for periode in periodes
    ]


def sorties_du_beneficiaire(*, beneficiaire: Beneficiaire):
    return beneficiaire.sorties.order_by("-date", "categorie")


def historique_du_beneficiaire(
    *, beneficiaire: Beneficiaire, taille: int | None = TAILLE_HISTORIQUE
) -> list[EntreeHistorique]:
    """The latest changes of the person's record (who, when, what), newest first, in one query; every one of
    them with `taille=None`."""
    versions = beneficiaire.history.select_related("history_user", "commune", "cree_par_epci").order_by(
        "-history_date", "-history_id"
    )
    records = list(versions if taille is None else versions[: taille + 1])
    records.reverse()  # chronological; the oldest one is only there to diff the next against
    etapes = historique.etapes(records, champs=CHAMPS_HISTORIQUE, objets_lies=True)
    if taille is not None and len(records) > taille:
        etapes = etapes[1:]
    champs = {nom: Beneficiaire._meta.get_field(nom) for nom in CHAMPS_HISTORIQUE}
    return [
        EntreeHistorique(
            date=etape.record.history_date,
            auteur=historique.nom_utilisateur(etape.record.history_user),
            action=etape.type,
            modifications=[
                Modification(
                    champ=str(champs[champ].verbose_name),
                    avant=historique.afficher_valeur(champs[champ], avant),
                    apres=historique.afficher_valeur(champs[champ], apres),
                )
                for champ, avant, apres in etape.changements
            ],
        )
        for etape in reversed(etapes)
    ]


def sortie_en_double(*, beneficiaire: Beneficiaire, date: datetime.date, categorie: str, sauf=None) -> bool:
    """Another outcome (than `sauf`) of the same category on the same date for the same person."""
    doublons = Sortie.objects.filter(beneficiaire=beneficiaire, date=date, categorie=categorie)
    if sauf is not None and sauf.pk:
        doublons = doublons.exclude(pk=sauf.pk)
    return doublons.exists()


# --- options of the person form --------------------------------------------------------------------


def communes_du_departement():
    return Commune.objects.filter(departement=settings.DEPARTEMENT).order_by("nom")


def communes_par_pk(*, pks) -> dict[int, Commune]:
    return {c.pk: c for c in Commune.objects.filter(pk__in=pks)} if pks else {}


def autres_publics():
    """Publics a clerk ticks for a new person, BRSA apart (it is dated by its own fields)."""
    return Public.objects.exclude(code=CodePublic.BRSA)


def public_brsa() -> Public:
    return Public.objects.get(code=CodePublic.BRSA)


def publics():
    return Public.objects.all()


def get_sortie(*, beneficiaire: Beneficiaire, pk: int) -> Sortie:
    """One outcome of this person, or 404."""
    sortie = get_object_or_404(beneficiaire.sorties.all(), pk=pk)
    sortie.beneficiaire = beneficiaire
    return sortie


# --- access log ------------------------------------------------------------------------------------


def journal_des_acces(*, user):
    """Entries of the access log, newest first: the Département's only (none for anyone else)."""
    if not (user.is_authenticated and user.voit_tout):
        return AccesDonnees.objects.none()
    return AccesDonnees.objects.select_related("beneficiaire").order_by("-horodatage", "-pk")


def filtrer_journal_par_personne(entrees, *, texte: str):
    """Entries about a person whose name matches every word typed (accents and case ignored)."""
    for mot in normaliser_nom(texte).split():
        entrees = entrees.filter(beneficiaire__cle_identite__contains=mot)
    return entrees


def acces_du_beneficiaire(*, beneficiaire: Beneficiaire):
    """Entries of the access log about one person, newest first."""
    return beneficiaire.acces.select_related("utilisateur").order_by("-horodatage", "-pk")


def auteurs_du_journal():
    """Accounts that appear in the access log (options of its filter)."""
    return User.objects.filter(pk__in=AccesDonnees.objects.values("utilisateur")).order_by("username")


def beneficiaire_anonymise(*, pk) -> bool:
    return Beneficiaire.objects.filter(pk=pk, anonymise_le__isnull=False).exists()
