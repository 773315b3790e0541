"""Writes of notifications: a notice is published once per fact and recipient (the unique key `cle` is the
idempotence), e-mailed unless its recipient turned e-mails off, and marked read by its recipient only.

E-mails leave the portal: they carry the title and, except for rejected lines, the message, never a person's
name (titles never name people; a rejection's message does, so its e-mail says only how many lines and where).
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comptes.enums import Role
from comptes.models import User
from insertion.enums import Statut
from notifications.enums import TypeNotification
from notifications.models import Notification, PreferenceNotification
from portail.formats import heures
from portail.francais import pluriel
from portail.periodes import code_mois, libelle_mois

logger = logging.getLogger(__name__)

LIGNES_DETAILLEES = 50  # a rejection's notice lists this many lines, then says how many others
MARCHES_DANS_LE_TITRE = 3


@dataclass(frozen=True)
class Avis:
    """A notice to publish: `cle` names the fact (e.g. "manquante:<EPCI>:2026-03")."""

    destinataire: User
    type: str
    titre: str
    cle: str
    message: str = ""
    lien: str = ""


@dataclass
class Bilan:
    """What a publication did: the notices created (or that would be, in a simulation), the e-mails sent (or
    to send), and the facts already notified before."""

    creees: list[Avis] = field(default_factory=list)
    courriels: int = 0
    deja: int = 0

    def __iadd__(self, autre):
        self.creees += autre.creees
        self.courriels += autre.courriels
        self.deja += autre.deja
        return self


def publier(*, avis: list[Avis], simulation: bool = False, apres_validation: bool = False) -> Bilan:
    """Creates the notices whose fact is new for their recipient, and e-mails them.

    `apres_validation`: inside a request's transaction, the e-mails leave once it commits; otherwise at once.
    `simulation`: counts, writes and sends nothing."""
    uniques: dict[tuple[int, str], Avis] = {}
    for un_avis in avis:
        uniques.setdefault((un_avis.destinataire.pk, un_avis.cle), un_avis)
    if not uniques:
        return Bilan()
    destinataires = {pk for pk, _ in uniques}
    existantes = set(
        Notification.objects.filter(
            destinataire__in=destinataires, cle__in={cle for _, cle in uniques}
        ).values_list("destinataire_id", "cle")
    )
    nouveaux = [un_avis for paire, un_avis in uniques.items() if paire not in existantes]
    sans_courriel = set(
        PreferenceNotification.objects.filter(
            utilisateur__in=destinataires, recevoir_courriels=False
        ).values_list("utilisateur_id", flat=True)
    )
    a_envoyer = [a for a in nouveaux if a.destinataire.email and a.destinataire.pk not in sans_courriel]
    bilan = Bilan(creees=nouveaux, courriels=len(a_envoyer), deja=len(uniques) - len(nouveaux))
    if simulation or not nouveaux:
        return bilan
    maintenant = timezone.now()
    with transaction.atomic():
        # A fact created meanwhile by another run is skipped by the unique key, not doubled.
        Notification.objects.bulk_create(
            [
                Notification(
                    destinataire=a.destinataire,
                    type=a.type,
                    titre=a.titre,
                    message=a.message,
                    lien=a.lien,
                    cle=a.cle,
                    cree_le=maintenant,
                )
                for a in nouveaux
            ],
            ignore_conflicts=True,
        )
        ids = list(
            Notification.objects.filter(
                cree_le=maintenant,
                destinataire__in=[a.destinataire.pk for a in a_envoyer],
                cle__in=[a.cle for a in a_envoyer],
            ).values_list("pk", flat=True)
        )
    if apres_validation:
        transaction.on_commit(lambda: envoyer_courriels(ids=ids))
        bilan.courriels = len(ids)
    else:
        bilan.courriels = envoyer_courriels(ids=ids)
    return bilan


def contenu_du_courriel(notification: Notification) -> str:
    lien = settings.ADRESSE_DU_PORTAIL + (notification.lien or reverse("notifications:liste"))
    return render_to_string(
        "notifications/courriel.txt",
        {
            "notification": notification,
            "lien": lien,
            # A rejection's message names people: the e-mail keeps to its title.
            "avec_message": notification.type != TypeNotification.LIGNES_REJETEES and notification.message,
            "preferences": settings.ADRESSE_DU_PORTAIL + reverse("notifications:preferences"),
        },
    )


def envoyer_courriels(*, ids) -> int:
    """E-mails the notices not e-mailed yet, through one connection; returns how many left."""
    notifications = list(
        Notification.objects.filter(pk__in=ids, courriel_envoye_le__isnull=True)
        .select_related("destinataire")
        .order_by("pk")
    )
    if not notifications:
        return 0
    courriels = [
        EmailMessage(
            subject=f"Clauses d'insertion : {n.titre}",
            body=contenu_du_courriel(n),
            to=[n.destinataire.email],
        )
        for n in notifications
    ]
    try:
        with get_connection() as connexion:
            envoyes = connexion.send_messages(courriels) or 0
    except OSError:  # SMTP errors included: the notices stay in the portal, unsent
        logger.exception("Courriels de notification non envoyés (%s) : serveur injoignable.", len(courriels))
        return 0
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        courriel_envoye_le=timezone.now()
    )
    return envoyes


# --- rejected lines -------------------------------------------------------------------------------------------


def _lignes(nombre_lignes: int) -> str:
    return pluriel(nombre_lignes, "ligne rejetée", "lignes rejetées")


def _titre_de_rejet(lignes) -> str:
    groupes = list(dict.fromkeys((r.clause.lot.marche.libelle, r.mois) for r in lignes))
    if len(groupes) == 1:
        reference, mois = groupes[0]
        return f"{_lignes(len(lignes))} sur le marché {reference} pour {libelle_mois(mois)}"
    noms = [f"{reference} ({libelle_mois(mois)})" for reference, mois in groupes[:MARCHES_DANS_LE_TITRE]]
    reste = len(groupes) - MARCHES_DANS_LE_TITRE
    suite = f" et {pluriel(reste, 'autre')}" if reste > 0 else ""
    return f"{_lignes(len(lignes))} : marché {', '.join(noms)}{suite}"


def _ligne_de_rejet(rangee, *, avec_motif: bool) -> str:
    marche = rangee.clause.lot.marche
    texte = (
        f"{rangee.beneficiaire} — marché {marche.libelle}, lot {rangee.clause.lot.numero}, "
        f"{libelle_mois(rangee.mois)} : {heures(rangee.heures)}"
    )
    return f"{texte} (motif : {rangee.motif_rejet})" if avec_motif else texte


def _avis_de_rejet(agent: User, lignes) -> Avis:
    lignes = sorted(
        lignes,
        key=lambda r: (
            r.mois,
            r.clause.lot.marche.reference,
            r.beneficiaire.nom,
            r.beneficiaire.prenom,
            r.pk,
        ),
    )
    motifs = {r.motif_rejet for r in lignes}
    texte = [f"Motif du rejet : {next(iter(motifs))}"] if len(motifs) == 1 else []
    texte += [_ligne_de_rejet(r, avec_motif=len(motifs) > 1) for r in lignes[:LIGNES_DETAILLEES]]
    if (reste := len(lignes) - LIGNES_DETAILLEES) > 0:
        texte.append(f"… et {pluriel(reste, 'autre')}.")
    premiere = lignes[0]
    action = min(lignes, key=lambda r: r.pk)
    return Avis(
        destinataire=agent,
        type=TypeNotification.LIGNES_REJETEES,
        titre=_titre_de_rejet(lignes),
        message="\n".join(texte),
        lien=reverse(
            "saisie:grille", kwargs={"clause_pk": premiere.clause_id, "mois": code_mois(premiere.mois)}
        ),
        cle=f"rejet:{action.pk}:{action.valide_le.isoformat()}",
    )


def agents_actifs(*, epcis=None) -> dict[int, list[User]]:
    """The active clerks of these EPCI (of every EPCI when None), by EPCI."""
    agents = User.objects.filter(role=Role.EPCI, is_active=True, epci__isnull=False).order_by("pk")
    if epcis is not None:
        agents = agents.filter(epci_id__in=epcis)
    par_epci = defaultdict(list)
    for agent in agents:
        par_epci[agent.epci_id].append(agent)
    return par_epci


def notifier_rejet(*, rangees) -> Bilan:
    """After a rejection (the rows `insertion.services.rejeter_heures` returned): one notice per clerk, listing
    the lines they declared — or, when their author is no longer an active clerk of the contract's EPCI, every
    active clerk of that EPCI. Contracts attached to no EPCI notify nobody. E-mails leave after the commit."""
    rangees = [r for r in rangees if r.statut == Statut.REJETEES and r.clause.lot.marche.epci_id]
    if not rangees:
        return Bilan()
    agents = agents_actifs(epcis={r.clause.lot.marche.epci_id for r in rangees})
    par_pk = {agent.pk: agent for liste in agents.values() for agent in liste}
    lignes_par_agent = defaultdict(list)
    for rangee in rangees:
        epci_id = rangee.clause.lot.marche.epci_id
        auteur = par_pk.get(rangee.saisi_par_id)
        for agent in [auteur] if auteur and auteur.epci_id == epci_id else agents.get(epci_id, []):
            lignes_par_agent[agent].append(rangee)
    avis = [_avis_de_rejet(agent, lignes) for agent, lignes in lignes_par_agent.items()]
    return publier(avis=avis, apres_validation=True)


# --- the recipient's actions ----------------------------------------------------------------------------------


def marquer_lue(*, user, notification: Notification) -> None:
    if notification.destinataire_id != user.pk:
        raise Notification.DoesNotExist
    if notification.lue_le is None:
        notification.lue_le = timezone.now()
        notification.save(update_fields=["lue_le"])


def tout_marquer_lu(*, user) -> int:
    return Notification.objects.for_user(user).non_lues().update(lue_le=timezone.now())


def changer_preference(*, user, recevoir_courriels: bool) -> PreferenceNotification:
    preference, _ = PreferenceNotification.objects.update_or_create(
        utilisateur=user, defaults={"recevoir_courriels": recevoir_courriels}
    )
    return preference
