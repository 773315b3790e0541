"""The demo's people: identities drawn with Faker, where they live, their eligibilities and their exits."""

import uuid
from collections import Counter
from datetime import timedelta

from beneficiaires.enums import CategorieSortie, CodePublic, NiveauQualification, Sexe
from beneficiaires.identite import cle_identite
from beneficiaires.models import Beneficiaire, Eligibilite, Public, Sortie
from demo.tirages import choix_pondere
from portail.periodes import age, ajouter_mois, dernier_jour, mois_entre

NB_BENEFICIAIRES = 150
PART_SORTIES = 0.30

ESPACE_NOMS_DEMO = uuid.UUID("6f1c3b52-49a0-4d5e-9c1e-0d3a4b9e4949")
COMMUNES_QPV = {"49007", "49099", "49328", "49353"}  # Angers, Cholet, Saumur, Trélazé

DETAILS_SORTIE = {
    CategorieSortie.EMPLOI_DURABLE: [
        "CDI chez le titulaire du marché",
        "CDI d'agent d'entretien",
        "CDD de 9 mois dans le bâtiment",
        "Création d'une micro-entreprise d'espaces verts",
        "Mission d'intérim de 6 mois",
    ],
    CategorieSortie.EMPLOI_TRANSITION: [
        "CDD de 3 mois",
        "Mission d'intérim de 2 mois",
        "Contrat aidé (PEC) en collectivité",
        "CDD saisonnier",
    ],
    CategorieSortie.SORTIE_POSITIVE: [
        "Entrée en formation qualifiante (titre professionnel)",
        "Orientation vers un atelier et chantier d'insertion",
        "Formation CACES",
    ],
    CategorieSortie.AUTRE: [
        "Déménagement hors du département",
        "Raisons de santé",
        "Fin de parcours sans solution identifiée",
    ],
}


def public_id(numero):
    return uuid.uuid5(ESPACE_NOMS_DEMO, f"beneficiaire-{numero}")


def creer_beneficiaires(generateur, *, parcours, planification):
    """One person per planned number, living where they mostly work; returns them in that order."""
    rng, fake = generateur.rng, generateur.fake
    premiers, derniers, travaux = {}, {}, Counter()
    modalites_siae = {}
    for p in parcours:
        debut, fin = min(p.heures), max(p.heures)
        premiers[p.personne] = min(premiers.get(p.personne, debut), debut)
        derniers[p.personne] = max(derniers.get(p.personne, fin), fin)
        travaux[p.personne] += 1 if p.plan.secteur == "btp" else -1
        if p.employeur.est_siae:
            modalites_siae[p.personne] = min(modalites_siae.get(p.personne, debut), debut)
    mois_fenetre = list(mois_entre(generateur.debut, generateur.dernier_mois)) or [generateur.debut]
    publics = {p.code: p for p in Public.objects.all()}
    for code, libelle in CodePublic.choices:
        if code not in publics:
            publics[code] = Public.objects.create(code=code, libelle=libelle)

    beneficiaires, eligibilites, cles = [], [], set()
    for numero in range(NB_BENEFICIAIRES):
        # residence: where the person mostly works
        if planification.epci_principal[numero]:
            epci_id = planification.epci_principal[numero].most_common(1)[0][0]
            commune = choix_pondere(
                rng,
                generateur.communes_par_epci[epci_id],
                [c.population or 100 for c in generateur.communes_par_epci[epci_id]],
            )
        else:
            commune = choix_pondere(
                rng, generateur.communes, [c.population or 100 for c in generateur.communes]
            )
            epci_id = commune.epci_id
        if numero in premiers:
            date_entree = premiers[numero] - timedelta(days=rng.randint(0, 75))
        else:
            date_entree = mois_fenetre[
                min(planification.activation[numero], len(mois_fenetre) - 1)
            ] + timedelta(days=rng.randint(0, 27))
        date_entree = min(date_entree, generateur.aujourdhui - timedelta(days=1))
        homme = rng.random() < (0.72 if travaux[numero] > 0 else 0.45)
        sexe = Sexe.HOMME if homme else Sexe.FEMME
        age_vise = choix_pondere(rng, [(18, 25), (26, 49), (50, 59)], [22, 58, 20])
        while True:
            prenom = fake.first_name_male() if homme else fake.first_name_female()
            nom = fake.last_name()
            naissance = date_entree - timedelta(
                days=rng.randint(age_vise[0] * 365 + 5, age_vise[1] * 365 + 360)
            )
            cle = cle_identite(nom, prenom, naissance)
            if (
                cle not in cles
                and age(naissance, date_entree) >= 18
                and 18 <= age(naissance, generateur.aujourdhui) <= 62
            ):
                break
        cles.add(cle)
        beneficiaire = Beneficiaire(
            public_id=public_id(numero),
            nom=nom,
            prenom=prenom,
            date_naissance=naissance,
            sexe=sexe,
            commune=commune,
            niveau_qualification=choix_pondere(rng, NiveauQualification.values, [35, 35, 20, 7, 3]),
            date_entree=date_entree,
            cle_identite=cle,
            cree_par_epci=generateur.epci_par_id[epci_id],
        )
        beneficiaires.append(beneficiaire)
        eligibilites += _eligibilites(generateur, beneficiaire, publics, modalites_siae.get(numero))

    # never collide with a person already in the database
    deja = set(Beneficiaire.objects.filter(cle_identite__in=cles).values_list("cle_identite", flat=True))
    for beneficiaire in beneficiaires:
        while beneficiaire.cle_identite in deja:
            beneficiaire.nom = fake.last_name()
            cle = cle_identite(beneficiaire.nom, beneficiaire.prenom, beneficiaire.date_naissance)
            if cle not in cles:
                cles.add(cle)
                beneficiaire.cle_identite = cle
    Beneficiaire.objects.bulk_create(beneficiaires)
    Eligibilite.objects.bulk_create(eligibilites)
    sorties = _sorties(generateur, beneficiaires, derniers)
    Sortie.objects.bulk_create(sorties)
    generateur.compteurs.update(
        beneficiaires=len(beneficiaires), eligibilites=len(eligibilites), sorties=len(sorties)
    )
    return beneficiaires


def _eligibilites(generateur, beneficiaire, publics, debut_siae):
    rng = generateur.rng
    entree, aujourdhui = beneficiaire.date_entree, generateur.aujourdhui
    lignes = []

    def ajouter(code, debut, fin=None):
        if fin is not None and fin < debut:
            return
        lignes.append(
            Eligibilite(beneficiaire=beneficiaire, public=publics[code], date_debut=debut, date_fin=fin)
        )

    brsa = rng.random() < 0.72
    if brsa:
        if rng.random() < 0.08 and entree + timedelta(days=60) < aujourdhui:
            debut = entree + timedelta(days=rng.randint(30, min(240, (aujourdhui - entree).days)))
        else:
            debut = entree - timedelta(days=rng.randint(60, 1500))
        fin = None
        if rng.random() < 0.3:  # RSA ends during the parcours, often with the job
            fin = max(debut, entree) + timedelta(days=rng.randint(60, 540))
            fin = fin if fin < aujourdhui - timedelta(days=15) else None
        ajouter(CodePublic.BRSA, debut, fin)
    if rng.random() < (0.3 if brsa else 0.6):
        ajouter(CodePublic.DELD, entree - timedelta(days=rng.randint(0, 300)))
    # Jeune and senior are computed from the birth date (beneficiaires.regles), never recorded.
    if rng.random() < 0.1:
        ajouter(CodePublic.RQTH, entree - timedelta(days=rng.randint(100, 2000)))
    if not brsa and rng.random() < 0.15:
        ajouter(CodePublic.ASS_AAH, entree - timedelta(days=rng.randint(30, 900)))
    if beneficiaire.commune.code_insee in COMMUNES_QPV and rng.random() < 0.45:
        ajouter(CodePublic.QPV, entree - timedelta(days=rng.randint(200, 3000)))
    if debut_siae is not None:
        ajouter(CodePublic.SIAE, debut_siae)
    if not lignes:
        ajouter(CodePublic.AUTRE, entree)
    return lignes


def _sorties(generateur, beneficiaires, derniers):
    rng = generateur.rng
    limite = ajouter_mois(generateur.dernier_mois, -2)
    candidats = [b for i, b in enumerate(beneficiaires) if i in derniers and derniers[i] <= limite]
    nombre = min(len(candidats), round(PART_SORTIES * len(beneficiaires)))
    choisis = rng.sample(candidats, nombre)
    repartition = [35, 30, 20, 15]
    categories = []
    for categorie, part in zip(CategorieSortie.values, repartition, strict=True):
        categories += [categorie] * round(nombre * part / 100)
    categories = (categories + [CategorieSortie.AUTRE] * nombre)[:nombre]
    rng.shuffle(categories)
    index = {id(b): i for i, b in enumerate(beneficiaires)}
    sorties = []
    for beneficiaire, categorie in zip(choisis, categories, strict=True):
        fin = dernier_jour(derniers[index[id(beneficiaire)]])
        jour = min(fin + timedelta(days=rng.randint(1, 60)), generateur.aujourdhui - timedelta(days=1))
        sorties.append(
            Sortie(
                beneficiaire=beneficiaire,
                date=jour,
                categorie=categorie,
                detail=rng.choice(DETAILS_SORTIE[categorie]),
            )
        )
    return sorties
