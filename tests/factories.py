"""factory_boy factories for the whole portal. People are fictitious (Faker fr_FR), never real."""

import datetime
import functools
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from factory.random import randgen

from beneficiaires.enums import ActionAcces, CategorieSortie, CodePublic, NiveauQualification, Sexe
from beneficiaires.models import AccesDonnees, Beneficiaire, Eligibilite, Public, Sortie
from comptes.enums import Role
from comptes.models import User
from insertion.enums import BaseJuridique, Modalite, Statut, TypeContrat
from insertion.models import (
    Clause,
    ClotureAnnee,
    CommentaireBilan,
    HeuresRealisees,
    Objectif,
    ReleveEnAttente,
)
from marches.enums import EtapeSuivi, NatureMarche, TypeAcheteur, TypeIdentifiant, TypeStructure
from marches.models import Acheteur, Entreprise, EvenementSuivi, Lot, Marche
from notifications.enums import TypeNotification
from notifications.models import Notification, PreferenceNotification
from territoires.enums import NatureEpci
from territoires.models import Commune, Epci

FakerFR = functools.partial(factory.Faker, locale="fr_FR")

MOT_DE_PASSE = "mot-de-passe-des-tests"


# --- SIREN / SIRET -------------------------------------------------------------------------------
# Written independently of marches/siret.py so that a broken validator cannot vouch for itself.


def cle_luhn(chiffres: str) -> str:
    """The digit that, appended to `chiffres`, gives a number with a valid Luhn key."""
    total = 0
    for position, caractere in enumerate(reversed(chiffres)):
        chiffre = int(caractere)
        if position % 2 == 0:  # doubled once the key is appended at the end
            chiffre = chiffre * 2 - 9 if chiffre * 2 > 9 else chiffre * 2
        total += chiffre
    return str(-total % 10)


def _chiffres(n: int) -> str:
    return "".join(str(randgen.randint(0, 9)) for _ in range(n))


def siren_aleatoire() -> str:
    while True:
        debut = str(randgen.randint(1, 9)) + _chiffres(7)
        if debut != "35600000":  # La Poste follows another rule
            return debut + cle_luhn(debut)


def siret_aleatoire(siren: str | None = None) -> str:
    debut = (siren or siren_aleatoire()) + _chiffres(4)
    return debut + cle_luhn(debut)


def premier_du_mois(jour: datetime.date) -> datetime.date:
    return jour.replace(day=1)


def public(code: str) -> Public:
    """Publics are reference rows created by a data migration; a transactional test's flush empties the table,
    so a later test recreates the row it needs."""
    return Public.objects.get_or_create(code=code, defaults={"libelle": CodePublic(code).label})[0]


# --- territoires ---------------------------------------------------------------------------------


class EpciFactory(DjangoModelFactory):
    class Meta:
        model = Epci

    siren = factory.LazyFunction(siren_aleatoire)
    nom = factory.LazyAttribute(lambda o: f"Communauté de communes de {o.ville}")
    nature = NatureEpci.CC
    population = factory.LazyFunction(lambda: randgen.randint(5_000, 120_000))

    class Params:
        ville = FakerFR("city")
        agglomeration = factory.Trait(
            nature=NatureEpci.CA, nom=factory.LazyAttribute(lambda o: f"{o.ville} Agglomération")
        )


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune

    # 49 + 500..999: outside the real Maine-et-Loire codes (49001-49381), so no clash with load_territoires.
    code_insee = factory.Sequence(lambda n: f"49{500 + n % 500:03d}")
    siren = factory.LazyFunction(siren_aleatoire)
    nom = FakerFR("city")
    departement = "49"
    epci = factory.SubFactory(EpciFactory)
    population = factory.LazyFunction(lambda: randgen.randint(100, 20_000))
    codes_postaux = factory.LazyFunction(lambda: [f"49{randgen.randint(0, 999):03d}"])


# --- comptes -------------------------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"agent{n}")
    first_name = FakerFR("first_name")
    last_name = FakerFR("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@exemple.test")
    password = factory.django.Password(MOT_DE_PASSE)
    role = Role.LECTEUR
    epci = None

    class Params:
        # The EPCI clerk's trait cannot be called `epci`: that name is the model field.
        departement = factory.Trait(role=Role.DEPARTEMENT, epci=None)
        agent_epci = factory.Trait(role=Role.EPCI, epci=factory.SubFactory(EpciFactory))
        lecteur = factory.Trait(role=Role.LECTEUR)
        lecteur_epci = factory.Trait(role=Role.LECTEUR, epci=factory.SubFactory(EpciFactory))
        admin = factory.Trait(role=Role.DEPARTEMENT, epci=None, is_staff=True, is_superuser=True)


# --- marches -------------------------------------------------------------------------------------


class AcheteurFactory(DjangoModelFactory):
    class Meta:
        model = Acheteur

    siret = factory.LazyFunction(siret_aleatoire)
    nom = factory.LazyAttribute(lambda o: f"Commune de {o.ville}")
    type = TypeAcheteur.COMMUNE
    epci = factory.SubFactory(EpciFactory)

    class Params:
        ville = FakerFR("city")
        departement = factory.Trait(
            siret="22490001900015",
            nom="Département de Maine-et-Loire",
            type=TypeAcheteur.DEPARTEMENT,
            epci=None,
        )


class EntrepriseFactory(DjangoModelFactory):
    class Meta:
        model = Entreprise

    type_identifiant = TypeIdentifiant.SIRET
    siret = factory.LazyFunction(siret_aleatoire)
    autre_identifiant = ""
    raison_sociale = FakerFR("company")
    type_structure = TypeStructure.ENTREPRISE

    class Params:
        siae = factory.Trait(type_structure=TypeStructure.EI)
        etrangere = factory.Trait(
            type_identifiant=TypeIdentifiant.TVA,
            siret=None,
            autre_identifiant=factory.Sequence(lambda n: f"BE0{n:09d}"),
        )


class MarcheFactory(DjangoModelFactory):
    """`epci` is left to Marche.save(), which takes the buyer's."""

    class Meta:
        model = Marche

    acheteur = factory.SubFactory(AcheteurFactory)
    reference = factory.Sequence(lambda n: f"2026-M{n:04d}")
    objet = FakerFR("sentence", nb_words=6)
    nature = NatureMarche.TRAVAUX
    montant_ht = Decimal("1000000.00")
    date_notification = datetime.date(2026, 1, 15)
    date_debut = datetime.date(2026, 2, 1)
    date_fin = datetime.date(2027, 1, 31)
    clause_sociale = True


class LotFactory(DjangoModelFactory):
    class Meta:
        model = Lot

    marche = factory.SubFactory(MarcheFactory)
    numero = factory.Sequence(lambda n: n + 1)
    intitule = FakerFR("sentence", nb_words=4)
    montant_ht = factory.SelfAttribute("marche.montant_ht")
    titulaire = factory.SubFactory(EntrepriseFactory)


class EvenementSuiviFactory(DjangoModelFactory):
    class Meta:
        model = EvenementSuivi

    marche = factory.SubFactory(MarcheFactory)
    date = datetime.date(2026, 2, 10)
    etape = EtapeSuivi.REUNION_INFORMATION
    commentaire = FakerFR("sentence", nb_words=8)


# --- insertion -----------------------------------------------------------------------------------


class ClauseFactory(DjangoModelFactory):
    class Meta:
        model = Clause

    lot = factory.SubFactory(LotFactory)
    base_juridique = BaseJuridique.CONDITION_EXECUTION
    part_main_oeuvre = Decimal("50")
    taux_insertion = Decimal("5")
    cout_horaire = Decimal("30")
    heures_reservees = factory.LazyAttribute(
        lambda o: (
            o.lot.montant_ht * o.part_main_oeuvre / 100 * o.taux_insertion / 100 / o.cout_horaire
        ).quantize(Decimal("1"))
    )

    class Params:
        non_calibree = factory.Trait(
            heures_reservees=None, part_main_oeuvre=None, taux_insertion=None, cout_horaire=None
        )


# --- beneficiaires -------------------------------------------------------------------------------


class BeneficiaireFactory(DjangoModelFactory):
    class Meta:
        model = Beneficiaire

    nom = FakerFR("last_name")
    prenom = FakerFR("first_name")
    date_naissance = FakerFR("date_of_birth", minimum_age=18, maximum_age=64)
    sexe = factory.Iterator(Sexe.values)
    commune = factory.SubFactory(CommuneFactory)
    niveau_qualification = factory.Iterator(NiveauQualification.values)
    date_entree = FakerFR("date_between", start_date="-3y", end_date="today")
    cree_par_epci = factory.SelfAttribute("commune.epci")


class EligibiliteFactory(DjangoModelFactory):
    class Meta:
        model = Eligibilite

    class Params:
        code = CodePublic.BRSA

    beneficiaire = factory.SubFactory(BeneficiaireFactory)
    public = factory.LazyAttribute(lambda o: public(o.code))
    date_debut = factory.SelfAttribute("beneficiaire.date_entree")
    date_fin = None


class SortieFactory(DjangoModelFactory):
    class Meta:
        model = Sortie

    beneficiaire = factory.SubFactory(BeneficiaireFactory)
    date = FakerFR("date_between", start_date="-1y", end_date="today")
    categorie = CategorieSortie.EMPLOI_DURABLE
    detail = "CDI de maçon"


class AccesDonneesFactory(DjangoModelFactory):
    """An entry of the access log: the file of one person consulted by a Département account."""

    class Meta:
        model = AccesDonnees

    utilisateur = factory.SubFactory(UserFactory, departement=True)
    nom_utilisateur = factory.SelfAttribute("utilisateur.username")
    action = ActionAcces.CONSULTATION
    beneficiaire = factory.SubFactory(BeneficiaireFactory)
    nombre_personnes = 1
    horodatage = factory.LazyFunction(timezone.now)


class HeuresRealiseesFactory(DjangoModelFactory):
    class Meta:
        model = HeuresRealisees

    class Params:
        jour = FakerFR("date_between", start_date="-2y", end_date="today")
        validees = factory.Trait(
            statut=Statut.VALIDEES,
            valide_par=factory.SubFactory(UserFactory, departement=True),
            valide_le=factory.LazyFunction(timezone.now),
        )
        rejetees = factory.Trait(
            statut=Statut.REJETEES,
            motif_rejet="Heures déjà déclarées sur un autre marché.",
            valide_par=factory.SubFactory(UserFactory, departement=True),
            valide_le=factory.LazyFunction(timezone.now),
        )

    clause = factory.SubFactory(ClauseFactory)
    beneficiaire = factory.SubFactory(BeneficiaireFactory)
    employeur = factory.SelfAttribute("clause.lot.titulaire")
    mois = factory.LazyAttribute(lambda o: premier_du_mois(o.jour))
    heures = factory.LazyFunction(lambda: Decimal(randgen.randint(7, 151)))
    modalite = Modalite.EMBAUCHE_DIRECTE
    type_contrat = TypeContrat.CDD
    statut = Statut.DECLAREES


class ObjectifFactory(DjangoModelFactory):
    class Meta:
        model = Objectif

    # Far from the years tests set explicitly (2018-2030), so a default never collides with them.
    annee = factory.Sequence(lambda n: 2100 - n % 50)
    epci = None
    heures = 10_000

    class Params:
        pour_epci = factory.Trait(epci=factory.SubFactory(EpciFactory), heures=1_000)


class CommentaireBilanFactory(DjangoModelFactory):
    class Meta:
        model = CommentaireBilan

    annee = factory.Sequence(lambda n: 2100 - n % 50)
    epci = None
    texte = "Une année d'insertion soutenue sur le territoire."
    auteur = factory.SubFactory(UserFactory, departement=True)


class ReleveEnAttenteFactory(DjangoModelFactory):
    class Meta:
        model = ReleveEnAttente

    utilisateur = factory.SubFactory(UserFactory, agent_epci=True)
    nom = "releve.csv"
    contenu = b"reference_marche;mois\r\n"
    empreinte = "0" * 64
    lignes = 1
    cree_le = factory.LazyFunction(timezone.now)
    expire_le = factory.LazyAttribute(lambda o: o.cree_le + datetime.timedelta(hours=1))


class ClotureAnneeFactory(DjangoModelFactory):
    """A year closed on 15 January of the next year by Département staff."""

    class Meta:
        model = ClotureAnnee

    annee = factory.Sequence(lambda n: 2000 + n % 100)
    date_cloture = factory.LazyAttribute(lambda o: datetime.date(o.annee + 1, 1, 15))
    cloture_par = factory.SubFactory(UserFactory, departement=True)


# --- notifications -------------------------------------------------------------------------------


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    destinataire = factory.SubFactory(UserFactory, agent_epci=True)
    type = TypeNotification.DECLARATION_MANQUANTE
    titre = "Déclaration de mars 2026 à faire : 1 marché sans heure déclarée"
    message = "Aucune heure n'est déclarée pour mars 2026 sur ce marché en exécution."
    lien = "/saisie/"
    cle = factory.Sequence(lambda n: f"manquante:{n}:2026-03")


class PreferenceNotificationFactory(DjangoModelFactory):
    class Meta:
        model = PreferenceNotification

    utilisateur = factory.SubFactory(UserFactory)
    recevoir_courriels = False
