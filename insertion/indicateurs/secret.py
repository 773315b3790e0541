"""Statistical secret for readers: no count of fewer than `seuil` people, directly or by difference.

Pure functions on the figures computed by `chiffres` (no query), applied once for readers, so that the
page, the bilan, the exports and the JSON all show the same masked figures.

- Primary: a cell counting 1 to seuil - 1 people is masked: its count reads "< 5", its hours, ETP, shares
  and rates read "secret". Zero stays zero.
- Secondary: in a breakdown whose total is known (people by sex, age band, qualification; sorties; people
  by EPCI when they add up), the smallest shown cells are masked too ("secret") until no masked count can
  be recovered from the total minus the shown cells — a reader knowing that a "< 5" count lies in
  1..seuil-1 and that a secondary one lies between seuil and the smallest shown count. Cells holding hours
  (EPCI, buyer, contract, modality) add up to the total hours: at least two of them with hours are masked.
  When no shown cell is left to mask, the whole breakdown is masked, zeros included.
- Publics do not add up (a person may belong to several); each public splits the people in two, in it or
  not: its row is masked when either side counts 1..seuil-1 people. The BRSA figures of the summary too.
- A scope of 1..seuil-1 people: every figure about people is masked (counts, hours, ETP, shares, rates),
  zeros included; contracts, their reserved hours and targets stay.
- Training hours are the modality "formation": where that row is masked, the training hours and the hours
  worked of the summary are too, and — unless every training hour counts — the counted hours, the
  progression and the remaining hours (of the summary, of the months), which would give them back. An EPCI's
  progression is masked likewise where its own training hours are (the EPCI × modality table of
  `secret_croise`). The projection (of counted hours) goes with the counted hours.
- The projection and the reserved hours of the year are totals over contracts: the projection is masked
  only with the whole scope (or the counted hours), reserved hours never. Last year's curve and figure at
  the same date are masked when last year's scope counts 1..seuil-1 people.

For readers of an EPCI's dashboard, `secret_croise` gives the states of its breakdowns of people, so
that they cannot be recovered from the Département's figures either. Differences across years are not
covered.
"""

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from beneficiaires.enums import CodePublic
from insertion.enums import Modalite
from portail.formats import Masque

PRIMAIRE = "primaire"  # counts 1..seuil-1 people
SECONDAIRE = "secondaire"  # masked so that a primary cell cannot be recovered
SECRET = Masque("secret")


def libelle_effectif(seuil: int) -> str:
    return f"< {seuil}"


# --- one breakdown -----------------------------------------------------------------------------------


def protegee(effectifs: Sequence[int], etats: Sequence[str | None], *, seuil: int) -> bool:
    """True when no masked count has a single possible value, given the total and the shown counts.

    A primary count lies in 1..seuil-1; a secondary one in seuil..the smallest shown count (the smallest
    cells are taken first). With the sum of the masked counts known, each one's range is its own bounds
    narrowed by the others' (all integers, so every value in between is reachable)."""
    masques = [i for i, etat in enumerate(etats) if etat]
    if not masques:
        return True
    montres = [n for n, etat in zip(effectifs, etats, strict=True) if etat is None and n > 0]
    plafond = min(montres, default=sum(effectifs))
    bornes = [(1, seuil - 1) if etats[i] == PRIMAIRE else (seuil, plafond) for i in masques]
    reste = sum(effectifs[i] for i in masques)
    bas_total = sum(bas for bas, _ in bornes)
    haut_total = sum(haut for _, haut in bornes)
    for bas, haut in bornes:
        mini = max(bas, reste - (haut_total - haut))
        maxi = min(haut, reste - (bas_total - bas))
        if mini >= maxi:
            return False
    return True


def masquer_repartition(
    effectifs: Sequence[int],
    *,
    seuil: int,
    additive: bool = True,
    heures: Sequence[Decimal] | None = None,
    masquer_aussi: Sequence[bool] = (),
) -> list[str | None]:
    """For each cell of a breakdown: None (shown), PRIMAIRE or SECONDAIRE.

    `effectifs`: the people of each cell; `additive`: they add up to a known total; `heures`: the hours of
    each cell, adding up to a known total; `masquer_aussi`: cells to mask as primary anyway (a contract
    whose people since its start are too few)."""
    nombre = len(effectifs)
    total = sum(effectifs)
    if additive and 0 < total < seuil:
        return [SECONDAIRE] * nombre
    aussi = list(masquer_aussi) + [False] * (nombre - len(masquer_aussi))
    etats = [PRIMAIRE if 0 < n < seuil or aussi[i] else None for i, n in enumerate(effectifs)]
    if PRIMAIRE not in etats:
        return etats

    def suffisant():
        if additive and not protegee(effectifs, etats, seuil=seuil):
            return False
        if heures is not None:
            avec_heures = sum(1 for h, etat in zip(heures, etats, strict=True) if etat and h)
            return avec_heures != 1
        return True

    while not suffisant():
        candidats = [i for i, n in enumerate(effectifs) if etats[i] is None and n > 0]
        if not candidats:
            return [SECONDAIRE] * nombre if additive else etats
        etats[min(candidats, key=lambda i: (effectifs[i], i))] = SECONDAIRE
    return etats


def masquer_parmi(effectif: int, *, total: int, seuil: int) -> str | None:
    """A count of people within a known total (a public, the BRSA people): masked when it or the rest of
    the total counts 1..seuil-1 people."""
    if 0 < effectif < seuil:
        return PRIMAIRE
    if 0 < total - effectif < seuil:
        return SECONDAIRE
    return None


# --- the figures of a dashboard ----------------------------------------------------------------------


def _masquer(ligne, etat: str | None, *, seuil: int, effectifs=(), autres=()):
    """The row with its counts (`effectifs`) and the figures drawn from them (`autres`) masked."""
    if etat is None:
        return ligne
    compte = Masque(libelle_effectif(seuil)) if etat == PRIMAIRE else SECRET
    valeurs = dict.fromkeys(effectifs, compte)
    valeurs |= {champ: SECRET for champ in autres if getattr(ligne, champ) is not None}
    return replace(ligne, **valeurs)


def _masquer_lignes(lignes, etats, *, seuil, effectifs=(), autres=()):
    return [
        _masquer(ligne, etat, seuil=seuil, effectifs=effectifs, autres=autres)
        for ligne, etat in zip(lignes, etats, strict=True)
    ]


def _montrees_d_abord(lignes, etats):
    """Rows sorted by hours would place a masked row between two shown ones: masked rows go last, by name."""
    montrees = [ligne for ligne, etat in zip(lignes, etats, strict=True) if etat is None]
    masquees = [ligne for ligne, etat in zip(lignes, etats, strict=True) if etat]
    return montrees + sorted(masquees, key=lambda ligne: ligne.nom)


CHAMPS = {
    "synthese": (
        ("nb_beneficiaires",),
        (
            "heures_validees",
            "heures_declarees",
            "etp",
            "progression",
            "heures_restantes",
            "heures_formation",
            "heures_travaillees",
            "heures_comptees",
            "projection",
            "heures_validees_n1",
        ),
    ),
    "brsa": (("nb_beneficiaires_brsa",), ("heures_brsa", "part_brsa")),
    "formation": ((), ("heures_formation", "heures_travaillees")),
    "comptees": ((), ("heures_comptees", "progression", "heures_restantes", "projection")),
    "annee_precedente": ((), ("heures_validees_n1",)),
    "par_mois": (
        (),
        (
            "heures_validees",
            "heures_declarees",
            "cumul_validees",
            "part_objectif",
            "cumul_comptees",
            "cumul_avec_declarees",
            "cumul_validees_n1",
        ),
    ),
    "par_mois_n1": ((), ("cumul_validees_n1",)),
    "par_mois_comptees": ((), ("part_objectif", "cumul_comptees")),
    "par_epci": (
        ("nb_beneficiaires",),
        ("heures_validees", "heures_declarees", "progression", "part", "heures_comptees"),
    ),
    "par_epci_comptees": ((), ("progression", "heures_comptees")),
    "par_acheteur": ((), ("heures_validees", "heures_declarees", "part")),
    "par_marche": ((), ("heures_validees_annee", "heures_validees_cumul", "taux_realisation")),
    "par_public": (("nb_beneficiaires",), ("heures_validees", "part")),
    "par_modalite": ((), ("heures_validees", "part")),
    "repartition": (("nb",), ("part",)),
}
REPARTITIONS = ("par_sexe", "par_tranche_age", "par_qualification", "sorties")


def _appliquer(lignes, etats, cle, *, seuil):
    effectifs, autres = CHAMPS[cle]
    return _masquer_lignes(lignes, etats, seuil=seuil, effectifs=effectifs, autres=autres)


def _tout_masquer(chiffres, *, seuil: int, etat: str = PRIMAIRE):
    """A scope of 1..seuil-1 people (or an EPCI masked in the Département's breakdown by EPCI, `etat`
    SECONDAIRE): every figure about people masked, zeros included."""
    synthese = _masquer(
        chiffres.synthese,
        etat,
        seuil=seuil,
        effectifs=CHAMPS["synthese"][0],
        autres=CHAMPS["synthese"][1],
    )
    synthese = _masquer(
        synthese, SECONDAIRE, seuil=seuil, effectifs=CHAMPS["brsa"][0], autres=CHAMPS["brsa"][1]
    )

    def tout(cle_lignes, cle_champs):
        lignes = getattr(chiffres, cle_lignes)
        return _appliquer(lignes, [SECONDAIRE] * len(lignes), cle_champs, seuil=seuil)

    return replace(
        chiffres,
        synthese=synthese,
        par_mois=tout("par_mois", "par_mois"),
        par_epci=tout("par_epci", "par_epci"),
        par_acheteur=tout("par_acheteur", "par_acheteur"),
        par_marche=tout("par_marche", "par_marche"),
        par_public=tout("par_public", "par_public"),
        par_modalite=tout("par_modalite", "par_modalite"),
        **{cle: tout(cle, "repartition") for cle in REPARTITIONS},
        seuil_secret=seuil,
    )


def etats_par_epci(chiffres, *, seuil: int) -> list[str | None]:
    """The states of the breakdown by EPCI (people, and the hours that add up to the total)."""
    personnes_epci = [ligne.nb_beneficiaires for ligne in chiffres.par_epci]
    return masquer_repartition(
        personnes_epci,
        seuil=seuil,
        # nobody worked in two EPCI: the counts add up
        additive=sum(personnes_epci) == chiffres.synthese.nb_beneficiaires,
        heures=[ligne.heures_validees for ligne in chiffres.par_epci],
    )


def _masquer_formation(chiffres, etats_modalites, *, seuil: int, croise=None) -> dict:
    """The summary, months and EPCI rows with what would give masked training hours back masked (see the
    module's docstring); to apply after the other rules."""
    synthese = chiffres.synthese
    etat = next(
        (
            e
            for ligne, e in zip(chiffres.par_modalite, etats_modalites, strict=True)
            if ligne.code == Modalite.FORMATION
        ),
        None,
    )
    synthese = _masquer(synthese, etat and SECONDAIRE, seuil=seuil, autres=CHAMPS["formation"][1])
    if synthese.formation_toutes_comptees:
        return {"synthese": synthese}
    synthese = _masquer(synthese, etat and SECONDAIRE, seuil=seuil, autres=CHAMPS["comptees"][1])
    par_mois = _appliquer(
        chiffres.par_mois, [etat] * len(chiffres.par_mois), "par_mois_comptees", seuil=seuil
    )
    if croise is not None:
        formation_epci = croise.formation_par_epci
        etats_epci = [formation_epci.get(ligne.siren) for ligne in chiffres.par_epci]
        if chiffres.perimetre.epci is not None:  # the EPCI's own row: its modality row's state
            etats_epci = [etat] * len(chiffres.par_epci)
    else:
        etats_epci = masquer_repartition(
            [ligne.nb_beneficiaires_formation for ligne in chiffres.par_epci],
            seuil=seuil,
            additive=False,
            heures=[ligne.heures_formation for ligne in chiffres.par_epci],
        )
    par_epci = _appliquer(
        chiffres.par_epci, [e and SECONDAIRE for e in etats_epci], "par_epci_comptees", seuil=seuil
    )
    return {"synthese": synthese, "par_mois": par_mois, "par_epci": par_epci}


def _masquer_annee_precedente(synthese, par_mois, *, seuil: int):
    """Last year's figures (curve, same date) masked when last year's scope counts 1..seuil-1 people, as
    its own dashboard would show them."""
    etat = SECONDAIRE if 0 < synthese.nb_beneficiaires_n1 < seuil else None
    synthese = _masquer(synthese, etat, seuil=seuil, autres=CHAMPS["annee_precedente"][1])
    return synthese, _appliquer(par_mois, [etat] * len(par_mois), "par_mois_n1", seuil=seuil)


def masquer_chiffres(chiffres, *, seuil: int, croise=None):
    """The figures of `chiffres.calculer_chiffres` as a reader may see them (see the module's docstring).

    `croise`: for an EPCI's dashboard, its row's states (`secret_croise.EtatsCroises`), used instead of
    the 1-D rule for the breakdowns of people."""
    synthese = chiffres.synthese
    total = synthese.nb_beneficiaires
    if croise is not None and croise.masque:
        return _tout_masquer(chiffres, seuil=seuil, etat=croise.masque)
    if 0 < total < seuil:
        return _tout_masquer(chiffres, seuil=seuil)

    if croise is None or croise.repartitions is None:
        etat_brsa = masquer_parmi(synthese.nb_beneficiaires_brsa, total=total, seuil=seuil)
        etats_publics = [
            masquer_parmi(ligne.nb_beneficiaires, total=total, seuil=seuil) for ligne in chiffres.par_public
        ]
        etats_repartitions = {
            cle: masquer_repartition([ligne.nb for ligne in getattr(chiffres, cle)], seuil=seuil)
            for cle in REPARTITIONS
        }
    else:
        etat_brsa = croise.publics.get(CodePublic.BRSA)
        etats_publics = [croise.publics.get(ligne.code) for ligne in chiffres.par_public]
        etats_repartitions = {
            cle: [croise.repartitions[cle].get(ligne.code) for ligne in getattr(chiffres, cle)]
            for cle in REPARTITIONS
        }
    synthese = _masquer(
        synthese, etat_brsa, seuil=seuil, effectifs=CHAMPS["brsa"][0], autres=CHAMPS["brsa"][1]
    )

    epci = chiffres.par_epci
    etats_epci = etats_par_epci(chiffres, seuil=seuil)
    acheteurs = chiffres.par_acheteur
    marches = chiffres.par_marche
    modalites = chiffres.par_modalite
    if croise is None:
        etats_acheteurs = masquer_repartition(
            [ligne.nb_beneficiaires for ligne in acheteurs],
            seuil=seuil,
            additive=False,
            heures=[ligne.heures_validees for ligne in acheteurs],
        )
        etats_marches = masquer_repartition(
            [ligne.nb_beneficiaires_annee for ligne in marches],
            seuil=seuil,
            additive=False,
            heures=[ligne.heures_validees_annee for ligne in marches],
            masquer_aussi=[0 < ligne.nb_beneficiaires_cumul < seuil for ligne in marches],
        )
        etats_modalites = masquer_repartition(
            [ligne.nb_beneficiaires for ligne in modalites],
            seuil=seuil,
            additive=False,
            heures=[ligne.heures_validees for ligne in modalites],
        )
    else:  # the hours of every scope, from one table EPCI × buyer, modality, contract
        etats_acheteurs = [croise.acheteurs.get(ligne.siret) for ligne in acheteurs]
        etats_marches = [croise.marches.get(ligne.pk) for ligne in marches]
        etats_modalites = [croise.modalites.get(ligne.code) for ligne in modalites]
    repartitions = {
        cle: _appliquer(getattr(chiffres, cle), etats_repartitions[cle], "repartition", seuil=seuil)
        for cle in REPARTITIONS
    }
    formation = _masquer_formation(
        replace(chiffres, synthese=synthese, par_epci=_appliquer(epci, etats_epci, "par_epci", seuil=seuil)),
        etats_modalites,
        seuil=seuil,
        croise=croise,
    )
    epci = formation.get("par_epci", _appliquer(epci, etats_epci, "par_epci", seuil=seuil))
    synthese, par_mois = _masquer_annee_precedente(
        formation["synthese"], formation.get("par_mois", chiffres.par_mois), seuil=seuil
    )
    return replace(
        chiffres,
        synthese=synthese,
        par_mois=par_mois,
        par_epci=_montrees_d_abord(epci, etats_epci),
        par_acheteur=_montrees_d_abord(
            _appliquer(acheteurs, etats_acheteurs, "par_acheteur", seuil=seuil), etats_acheteurs
        ),
        par_marche=_appliquer(marches, etats_marches, "par_marche", seuil=seuil),
        par_public=_appliquer(chiffres.par_public, etats_publics, "par_public", seuil=seuil),
        par_modalite=_appliquer(modalites, etats_modalites, "par_modalite", seuil=seuil),
        **repartitions,
        seuil_secret=seuil,
    )
