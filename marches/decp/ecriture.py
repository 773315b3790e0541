"""Writing the DECP contracts batch by batch: buyers, companies, contracts and their single lot, with history.

For every batch, `lots_importes` tells the other apps (the insertion clauses) which contracts came in.
"""

from dataclasses import dataclass

from django.dispatch import Signal
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from marches.decp.bilan import ResultatImportDecp
from marches.decp.conversion import NON_RENSEIGNEE, MarcheDecp, identifiant_affiche, lire_marche
from marches.decp.exceptions import EnregistrementInvalide
from marches.decp.referentiel import Referentiel
from marches.enums import TypeIdentifiant
from marches.models import Acheteur, Entreprise, Lot, Marche

# Sent once per batch, inside the import's transaction, with `lots`: a list of LotImporte for the contracts
# that carry a social consideration, and `utilisateur`. A receiver may answer {label: count} for the summary.
lots_importes = Signal()


@dataclass(frozen=True)
class LotImporte:
    lot_id: int
    marche_id: int
    clause_sociale: bool
    critere_social: bool
    marche_reserve: bool


CHAMPS_MARCHE = [
    "objet",
    "nature",
    "code_cpv",
    "procedure",
    "montant_ht",
    "date_notification",
    "date_debut",
    "date_fin",
    "clause_sociale",
    "critere_social",
    "marche_reserve",
]
RAISON_HISTORIQUE = "Import DECP"


class Ecriture:
    """Writes the batches of one import; the counts go to `resultat`."""

    def __init__(
        self,
        *,
        referentiel: Referentiel,
        resultat: ResultatImportDecp,
        utilisateur,
        garder_hors_departement: bool = False,
    ):
        self.referentiel = referentiel
        self.garder_hors_departement = garder_hors_departement
        self.hors_departement: set[str] = set()  # uids of the kept contracts outside the département
        self.resultat = resultat
        self.utilisateur = utilisateur if getattr(utilisateur, "pk", None) else None

    def traiter(self, enregistrements: list[tuple[int, dict]]):
        self.hors_departement = set()  # per batch: memory stays flat
        marches = self._lire(enregistrements)
        if not marches:
            return
        acheteurs = self._acheteurs(marches)
        entreprises = self._entreprises(marches)
        self._marches(marches, acheteurs, entreprises)

    def _lire(self, enregistrements) -> dict[str, tuple[int, MarcheDecp]]:
        resultat, lus = self.resultat, []
        for numero, enregistrement in enregistrements:
            try:
                lus.append((numero, lire_marche(enregistrement)))
            except EnregistrementInvalide as exc:
                resultat.ignorer(numero, identifiant_affiche(enregistrement), str(exc))
        if self.referentiel.departement:
            lus = self._dans_le_departement(lus)
        gardes = {}
        for numero, marche in lus:
            if marche.uid in gardes:
                resultat.doublons += 1
                del gardes[marche.uid]  # the last one wins, at its own place
            gardes[marche.uid] = (numero, marche)
        return gardes

    def _dans_le_departement(self, lus: list[tuple[int, MarcheDecp]]) -> list[tuple[int, MarcheDecp]]:
        """Counts the contracts outside the département; drops them, or with `garder_hors_departement` keeps
        them in `self.hors_departement` (imported, never signalled: no clause, so never in the figures)."""
        referentiel = self.referentiel
        # Buyers the portal already attached to an EPCI of the département (one query per batch).
        rattaches = set(
            Acheteur.objects.filter(
                siret__in={m.siret_acheteur for _, m in lus}, epci_id__in=referentiel.epcis_du_departement
            ).values_list("siret", flat=True)
        )
        gardes = []
        for numero, marche in lus:
            if not referentiel.dans_le_departement(marche, acheteurs_rattaches=rattaches):
                self.resultat.hors_departement += 1
                if not self.garder_hors_departement:
                    continue
                self.hors_departement.add(marche.uid)
            gardes.append((numero, marche))
        return gardes

    def _acheteurs(self, marches) -> dict[str, Acheteur]:
        noms_publies = {}
        for _, marche in marches.values():
            if marche.nom_acheteur:
                noms_publies.setdefault(marche.siret_acheteur, marche.nom_acheteur)
        sirets = {marche.siret_acheteur for _, marche in marches.values()}
        acheteurs = {a.siret: a for a in Acheteur.objects.filter(siret__in=sirets)}
        nouveaux, completes = [], []
        for siret in sorted(sirets - acheteurs.keys()):
            # The name the record gives, else the territories' one; type and EPCI from the SIREN (an EPCI,
            # a commune and so its EPCI, the Département).
            identite = self.referentiel.identite(siret)
            nom = noms_publies.get(siret) or (identite and identite.nom) or nom_provisoire_acheteur(siret)
            if identite:
                nouveaux.append(Acheteur(siret=siret, nom=nom, type=identite.type, epci_id=identite.epci_id))
            else:
                nouveaux.append(Acheteur(siret=siret, nom=nom))
        for acheteur in acheteurs.values():
            # A placeholder name is replaced by the record's or the territories' one; a name staff typed is
            # never touched.
            if acheteur.nom != nom_provisoire_acheteur(acheteur.siret):
                continue
            identite = self.referentiel.identite(acheteur.siret)
            nom = noms_publies.get(acheteur.siret) or (identite and identite.nom)
            if nom:
                acheteur.nom = nom
                if identite:
                    acheteur.type = identite.type
                    acheteur.epci_id = acheteur.epci_id or identite.epci_id
                completes.append(acheteur)
        if nouveaux:
            Acheteur.objects.bulk_create(nouveaux)
        if completes:
            Acheteur.objects.bulk_update(completes, ["nom", "type", "epci"])
        self.resultat.acheteurs_crees += len(nouveaux)
        self.resultat.acheteurs_completes += len(completes)
        acheteurs.update({a.siret: a for a in nouveaux})
        return acheteurs

    def _entreprises(self, marches) -> dict[tuple[str, str], int]:
        titulaires = {}
        for _, marche in marches.values():
            for titulaire in marche.titulaires:
                if titulaire.cle not in titulaires or titulaire.nom:
                    titulaires[titulaire.cle] = titulaire
        sirets = [ident for (type_ident, ident) in titulaires if type_ident == TypeIdentifiant.SIRET]
        autres = [ident for (type_ident, ident) in titulaires if type_ident != TypeIdentifiant.SIRET]
        existantes = {}
        if sirets:
            existantes |= {
                (TypeIdentifiant.SIRET.value, e.siret): e for e in Entreprise.objects.filter(siret__in=sirets)
            }
        if autres:
            existantes |= {
                (e.type_identifiant, e.autre_identifiant): e
                for e in Entreprise.objects.filter(autre_identifiant__in=autres)
            }
        nouvelles, completees = [], []
        for cle, titulaire in titulaires.items():
            entreprise = existantes.get(cle)
            if entreprise is None:
                siret = titulaire.identifiant if titulaire.type_identifiant == TypeIdentifiant.SIRET else None
                nouvelles.append(
                    Entreprise(
                        type_identifiant=titulaire.type_identifiant,
                        siret=siret,
                        autre_identifiant="" if siret else titulaire.identifiant,
                        raison_sociale=titulaire.nom or nom_provisoire_entreprise(titulaire.identifiant),
                    )
                )
            elif titulaire.nom and entreprise.raison_sociale == nom_provisoire_entreprise(
                titulaire.identifiant
            ):
                entreprise.raison_sociale = titulaire.nom
                completees.append(entreprise)
        if nouvelles:
            Entreprise.objects.bulk_create(nouvelles)
        if completees:
            Entreprise.objects.bulk_update(completees, ["raison_sociale"])
        self.resultat.entreprises_creees += len(nouvelles)
        for entreprise in nouvelles:
            existantes[(entreprise.type_identifiant, entreprise.identifiant)] = entreprise
        return {cle: entreprise.pk for cle, entreprise in existantes.items()}

    def _marches(self, marches, acheteurs, entreprises):
        resultat, referentiel = self.resultat, self.referentiel
        existants = {m.decp_uid: m for m in Marche.objects.filter(decp_uid__in=list(marches))}
        # A contract typed in the portal with the DECP id as reference is the same contract: adopt it.
        nouveaux_uids = [uid for uid in marches if uid not in existants]
        homonymes = {}
        if nouveaux_uids:
            homonymes = {
                (m.acheteur_id, m.reference): m
                for m in Marche.objects.filter(
                    acheteur_id__in={acheteurs[marches[uid][1].siret_acheteur].pk for uid in nouveaux_uids},
                    reference__in={marches[uid][1].reference for uid in nouveaux_uids},
                )
            }
        lots_par_marche = {}
        ids_existants = [m.pk for m in existants.values()] + [m.pk for m in homonymes.values()]
        if ids_existants:
            for lot in Lot.objects.filter(marche_id__in=ids_existants).order_by("numero"):
                lots_par_marche.setdefault(lot.marche_id, []).append(lot)

        a_creer, a_modifier, lots_a_creer, lots_a_modifier = [], [], [], []
        importes = []  # (MarcheDecp, Marche, Lot | None, new)
        references_prises = set()
        for uid, (numero, decp) in marches.items():
            acheteur = acheteurs[decp.siret_acheteur]
            titulaire_id = entreprises.get(decp.titulaires[0].cle) if decp.titulaires else None
            valeurs = {
                "objet": decp.objet,
                "nature": decp.nature,
                "code_cpv": decp.code_cpv,
                "procedure": decp.procedure,
                "montant_ht": decp.montant,
                "date_notification": decp.date_notification,
                "date_debut": decp.date_notification,
                "date_fin": decp.date_fin,
                "clause_sociale": decp.clause_sociale,
                "critere_social": decp.critere_social,
                "marche_reserve": decp.marche_reserve,
            }
            marche = existants.get(uid)
            adopte = False
            if marche is None:
                marche = homonymes.get((acheteur.pk, decp.reference))
                if marche is not None and marche.decp_uid:
                    resultat.ignorer(
                        numero,
                        decp.identifiant,
                        f"la référence « {decp.reference} » est déjà celle d'un autre marché de cet acheteur",
                    )
                    continue
                adopte = marche is not None
            if (acheteur.pk, decp.reference) in references_prises:
                resultat.ignorer(numero, decp.identifiant, f"référence « {decp.reference} » en double")
                continue
            references_prises.add((acheteur.pk, decp.reference))

            if marche is None:
                marche = Marche(
                    acheteur=acheteur,
                    reference=decp.reference,
                    decp_uid=uid,
                    epci_id=acheteur.epci_id or referentiel.epci_du_lieu(decp),
                    **valeurs,
                )
                a_creer.append(marche)
                lot = Lot(marche=marche, numero=1, intitule=decp.objet[:500], montant_ht=decp.montant)
                lot.titulaire_id = titulaire_id
                lots_a_creer.append(lot)
                importes.append((decp, marche, lot, True))
            else:
                change = adopte or any(getattr(marche, c) != v for c, v in valeurs.items())
                if change:
                    for champ, valeur in valeurs.items():
                        setattr(marche, champ, valeur)
                    marche.decp_uid = uid
                    a_modifier.append(marche)
                lots = lots_par_marche.get(marche.pk, [])
                lot = None
                if not lots:
                    lot = Lot(marche=marche, numero=1, intitule=decp.objet[:500], montant_ht=decp.montant)
                    lot.titulaire_id = titulaire_id
                    lots_a_creer.append(lot)
                    change = True
                elif len(lots) == 1:
                    lot = lots[0]
                    lot_change = lot.montant_ht != decp.montant or (lot.titulaire_id is None and titulaire_id)
                    if lot_change:
                        lot.montant_ht = decp.montant
                        lot.titulaire_id = lot.titulaire_id or titulaire_id
                        lots_a_modifier.append(lot)
                        change = True
                else:
                    resultat.avertir(
                        f"Marché {decp.identifiant} : plusieurs lots saisis dans le portail, lots non modifiés."
                    )
                importes.append((decp, marche, lot, False))
                if change:
                    resultat.mis_a_jour += 1
                else:
                    resultat.inchanges += 1

        maintenant = timezone.now()
        historique = {"default_user": self.utilisateur, "default_change_reason": RAISON_HISTORIQUE}
        if a_creer:
            bulk_create_with_history(a_creer, Marche, **historique)
        if a_modifier:
            for marche in a_modifier:
                marche.modifie_le = maintenant
            bulk_update_with_history(
                a_modifier, Marche, [*CHAMPS_MARCHE, "decp_uid", "modifie_le"], **historique
            )
        if lots_a_creer:
            for lot in lots_a_creer:
                lot.marche_id = lot.marche.pk
            bulk_create_with_history(lots_a_creer, Lot, **historique)
        if lots_a_modifier:
            bulk_update_with_history(lots_a_modifier, Lot, ["montant_ht", "titulaire"], **historique)

        signales = []
        for decp, marche, lot, nouveau in importes:
            if nouveau:
                resultat.crees += 1
            for consideration in decp.considerations or [NON_RENSEIGNEE]:
                resultat.considerations[consideration] += 1
            if decp.nature_par_defaut:
                resultat.nature_par_defaut += 1
            for avertissement in decp.avertissements:
                resultat.avertir(avertissement)
            if decp.uid in self.hors_departement:
                continue  # outside the département: no clause, so it never enters its figures
            if lot is not None and (decp.clause_sociale or decp.critere_social or decp.marche_reserve):
                signales.append(
                    LotImporte(
                        lot.pk, marche.pk, decp.clause_sociale, decp.critere_social, decp.marche_reserve
                    )
                )
        # Sent even with no flagged lot, so that the receivers' counts always show in the summary.
        for _, reponse in lots_importes.send(sender=Marche, lots=signales, utilisateur=self.utilisateur):
            if isinstance(reponse, dict):
                resultat.complements.update(reponse)


def nom_provisoire_acheteur(siret: str) -> str:
    return f"Acheteur {siret}"


def nom_provisoire_entreprise(identifiant: str) -> str:
    return f"Entreprise {identifiant}"
