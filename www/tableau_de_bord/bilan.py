"""The yearly bilan for élus: a two-page synthesis, the full tables as an annex, every EPCI's synthesis in one
document, and the whole year in one XLSX workbook.

Every figure comes from `calculer_chiffres` (readers get the masked figures, as on the dashboard); the
comparison with the previous year takes the same months of both years (January to the last month begun).
The Département's comment is written here by Département staff (a POST on the bilan itself).
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django_tables2.export import TableExport

from insertion.cloture import cloture_de
from insertion.commentaires import (
    CommentaireInvalide,
    commentaire_du_bilan,
    commentaires_des_epci,
    enregistrer_commentaire,
    versions_du_commentaire,
)
from insertion.indicateurs.chiffres import Chiffres, calculer_chiffres, nb_mois_ecoules
from insertion.indicateurs.requetes import Perimetre
from marches.selectors import epci_du_territoire
from portail.acces import utilisateur_ou_404
from portail.formats import Masque, pourcentage
from portail.periodes import ANNEE_MIN
from portail.tableurs import classeur_xlsx
from www.tableau_de_bord import graphiques
from www.tableau_de_bord.forms import CommentaireBilanForm
from www.tableau_de_bord.tables import EpciTable, SortiesTable, construire_tables
from www.tableau_de_bord.views import _secret, lire_demande

MOIS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


@dataclass(frozen=True)
class LigneComparaison:
    """A figure of the year beside the previous year's, and the change in percent (text, "—" if none)."""

    libelle: str
    annee: object
    precedente: object
    evolution: str
    heures: bool = True  # hours (else a count of people)


def evolution(valeur, precedente) -> str:
    """ "+12,5 %", "−3,0 %", or "—" when a figure is masked, missing or the previous one is zero."""
    if (
        isinstance(valeur, Masque | type(None))
        or isinstance(precedente, Masque | type(None))
        or not precedente
    ):
        return "—"
    taux = ((Decimal(valeur) - Decimal(precedente)) * 100 / Decimal(precedente)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    signe = "+" if taux > 0 else ("−" if taux < 0 else "")
    return f"{signe}{pourcentage(abs(taux))}"


def mois_termines(annee: int, aujourd_hui=None) -> int:
    """Months of the year already over: 12 for a past year, 0 for a future one or in January."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    if annee < aujourd_hui.year:
        return 12
    return aujourd_hui.month - 1 if annee == aujourd_hui.year else 0


def comparaison(chiffres: Chiffres, precedents: Chiffres | None, nb_mois: int) -> dict | None:
    """The year beside the previous one over the same months over (`nb_mois`, from January); None when no
    month is over yet or there is no previous year."""
    if precedents is None or nb_mois == 0:
        return None
    annee, avant = chiffres.synthese, precedents.synthese
    cumul = chiffres.par_mois[nb_mois - 1].cumul_validees
    cumul_avant = precedents.par_mois[nb_mois - 1].cumul_validees
    periode = "sur l'année" if nb_mois == 12 else f"de janvier à fin {MOIS[nb_mois - 1]}"
    lignes = [
        LigneComparaison(f"Heures validées {periode}", cumul, cumul_avant, evolution(cumul, cumul_avant))
    ]
    if nb_mois < 12:
        lignes.append(
            LigneComparaison(
                f"Heures validées sur l'année ({chiffres.perimetre.annee} : à ce jour)",
                annee.heures_validees,
                avant.heures_validees,
                "—",
            )
        )
    lignes.append(
        LigneComparaison(
            "Personnes ayant travaillé des heures validées"
            + ("" if nb_mois == 12 else f" ({chiffres.perimetre.annee} : à ce jour)"),
            annee.nb_beneficiaires,
            avant.nb_beneficiaires,
            evolution(annee.nb_beneficiaires, avant.nb_beneficiaires) if nb_mois == 12 else "—",
            heures=False,
        )
    )
    return {
        "annee": str(chiffres.perimetre.annee),
        "precedente": str(precedents.perimetre.annee),
        "periode": periode,
        "lignes": lignes,
    }


def synthese_du_bilan(*, user, perimetre: Perimetre, libelle: str, commentaire) -> dict:
    """What one synthesis shows (its two pages), for `perimetre` as `user` sees it."""
    chiffres = calculer_chiffres(user=user, perimetre=perimetre)
    precedents = None
    if perimetre.annee > ANNEE_MIN:
        precedents = calculer_chiffres(
            user=user, perimetre=Perimetre(annee=perimetre.annee - 1, epci=perimetre.epci)
        )
    nb_mois = nb_mois_ecoules(perimetre.annee)
    synthese = chiffres.synthese
    progression = None if isinstance(synthese.progression, Masque) else synthese.progression
    return {
        "chiffres": chiffres,
        "libelle": libelle,
        "annee": str(perimetre.annee),
        "siren": perimetre.epci.siren if perimetre.epci else "",
        "synthese": synthese,
        "secret": _secret(chiffres),
        "progression_masquee": isinstance(synthese.progression, Masque),
        # Counted hours at 31 December, current year only (None for a year over, or masked with the scope).
        "projection": None if isinstance(synthese.projection, Masque) else synthese.projection,
        "objectif_depasse": progression is not None and progression >= 100,
        "progression_barre": str(min(int(progression), 100)) if progression is not None else "0",
        "courbe": graphiques.courbe_cumulee(
            cumuls=[ligne.cumul_validees for ligne in chiffres.par_mois],
            objectif=synthese.objectif_heures,
            nb_mois=nb_mois,
            hauteur=280,
        ),
        "comparaison": comparaison(chiffres, precedents, mois_termines(perimetre.annee)),
        "table_epci": EpciTable(
            list(chiffres.par_epci),
            orderable=False,
            exclude=("heures_declarees", "part"),
            caption="Heures par EPCI",
        ),
        "table_sorties": SortiesTable(list(chiffres.sorties), orderable=False),
        "commentaire": commentaire,
    }


def _pied(*, libelle: str, annee: int, definitif: bool) -> str:
    etat = "définitif" if definitif else "provisoire"
    return f"Bilan {annee} — {libelle} — édité le {timezone.localdate():%d/%m/%Y} — {etat}"


def chaine_css(texte: str) -> str:
    """A CSS string literal of `texte` (quotes and backslashes escaped, on one line)."""
    texte = re.sub(r"[\x00-\x1f\x7f]", " ", texte).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{texte}"'


def _marges(texte: str, page: str = "") -> str:
    """The running footer in the bottom-left margin box of the printed pages (`page`: a named page)."""
    return (
        f"@page {page}{{ @bottom-left {{ content: {chaine_css(texte)}; font-family: system-ui, sans-serif; "
        "font-size: 8pt; color: #495057; } }\n"
    )


def _url(nom: str, demande, user, **extra) -> str:
    return f"{reverse(nom)}?{urlencode(demande.parametres(user) | extra)}"


def _enregistrer(request, demande, form):
    """The comment's POST: Département staff only (404 otherwise); back to the bilan when saved."""
    if not request.user.voit_tout:
        raise Http404
    if demande.erreurs:
        form.add_error(None, " ".join(demande.erreurs) + " Rien n'a été enregistré.")
    if not form.is_valid():
        return None
    perimetre = demande.perimetre
    try:
        resultat = enregistrer_commentaire(
            user=request.user, annee=perimetre.annee, epci=perimetre.epci, texte=form.cleaned_data["texte"]
        )
    except CommentaireInvalide as erreur:
        form.add_error("texte", str(erreur))
        return None
    except PermissionDenied as erreur:  # pragma: no cover - checked above
        raise Http404 from erreur
    messages.success(
        request,
        {
            "cree": "Le commentaire du bilan est enregistré.",
            "modifie": "Le commentaire du bilan est modifié.",
            "supprime": "Le commentaire du bilan est retiré.",
            "inchange": "Le commentaire du bilan n'a pas changé.",
        }[resultat],
    )
    return redirect(_url("tableau_de_bord:bilan", demande, request.user))


@utilisateur_ou_404("is_authenticated")
def bilan(request):
    user = request.user
    demande = lire_demande(request)
    cloture = cloture_de(demande.perimetre.annee)  # a closed year's figures are final
    definitif = cloture is not None
    perimetre = demande.perimetre
    commentaire = commentaire_du_bilan(annee=perimetre.annee, epci=perimetre.epci)
    form = None
    if user.voit_tout:
        form = CommentaireBilanForm(initial={"texte": commentaire.texte if commentaire else ""})
    if request.method == "POST":
        form = CommentaireBilanForm(request.POST)
        if reponse := _enregistrer(request, demande, form):
            return reponse
    else:
        for erreur in demande.erreurs:
            messages.warning(request, erreur)

    synthese = synthese_du_bilan(
        user=user, perimetre=perimetre, libelle=demande.libelle, commentaire=commentaire
    )
    annexe = request.GET.get("annexe") != "0"
    tables = construire_tables(synthese["chiffres"], orderable=False) if annexe else {}
    return render(
        request,
        "tableau_de_bord/bilan_synthese.html",
        {
            "bilan": synthese,
            "annee": synthese["annee"],
            "libelle_perimetre": demande.libelle,
            "definitif": definitif,
            "cloture": cloture,
            "url_pied": _url("tableau_de_bord:pied", demande, user),
            "annexe": annexe,
            "tables": tables,
            "form": form,
            "versions": versions_du_commentaire(annee=perimetre.annee, epci=perimetre.epci) if form else [],
            "url_action": _url("tableau_de_bord:bilan", demande, user),
            "url_tableau_de_bord": _url("tableau_de_bord:page", demande, user),
            "url_classeur": _url("tableau_de_bord:classeur", demande, user),
            "url_sans_annexe": _url("tableau_de_bord:bilan", demande, user, annexe="0"),
            "url_par_epci": _url("tableau_de_bord:bilan_epci", demande, user)
            if user.voit_plusieurs_epci
            else "",
        },
    )


@utilisateur_ou_404("voit_plusieurs_epci")
def bilan_par_epci(request):
    """Every EPCI's synthesis, one after the other (a page break between two), for those who see every EPCI."""
    user = request.user
    demande = lire_demande(request)
    cloture = cloture_de(demande.perimetre.annee)  # a closed year's figures are final
    definitif = cloture is not None
    for erreur in demande.erreurs:
        messages.warning(request, erreur)
    annee = demande.perimetre.annee
    commentaires = commentaires_des_epci(annee=annee)
    syntheses = [
        synthese_du_bilan(
            user=user,
            perimetre=Perimetre(annee=annee, epci=epci),
            libelle=epci.nom,
            commentaire=commentaires.get(epci.pk),
        )
        for epci in epci_du_territoire()
    ]
    return render(
        request,
        "tableau_de_bord/bilan_par_epci.html",
        {
            "syntheses": syntheses,
            "annee": str(annee),
            "definitif": definitif,
            "cloture": cloture,
            "url_pied": f"{reverse('tableau_de_bord:pied')}?{urlencode({'annee': annee, 'chaque_epci': 1})}",
            "url_bilan": f"{reverse('tableau_de_bord:bilan')}?{urlencode({'annee': annee})}",
        },
    )


@utilisateur_ou_404("is_authenticated")
def classeur(request):
    """The year's tables in one XLSX workbook, a sheet per table, masked as on the page."""
    demande = lire_demande(request)
    if demande.erreurs:
        raise Http404(" ".join(demande.erreurs))
    chiffres = calculer_chiffres(user=request.user, perimetre=demande.perimetre)
    feuilles = []
    for table in construire_tables(chiffres, orderable=False).values():  # unpaginated, in the page's order
        feuilles.append(TableExport(TableExport.XLSX, table, dataset_kwargs={"title": table.feuille}).dataset)
    perimetre = demande.perimetre
    suffixe = f"-{perimetre.epci.siren}" if perimetre.epci else ""
    reponse = HttpResponse(
        classeur_xlsx(feuilles),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    reponse["Content-Disposition"] = f'attachment; filename="bilan-{perimetre.annee}{suffixe}.xlsx"'
    return reponse


@utilisateur_ou_404("is_authenticated")
def pied_css(request):
    """The running footer of the printed bilan (scope, year, date, provisoire or définitif), as a stylesheet:
    Chromium prints page margin boxes, but their text can only come from CSS (no inline style: CSP).
    `?chaque_epci=1`: one named page per EPCI, for the document of every EPCI's synthesis."""
    demande = lire_demande(request)
    cloture = cloture_de(demande.perimetre.annee)  # a closed year's figures are final
    definitif = cloture is not None
    annee = demande.perimetre.annee
    if request.GET.get("chaque_epci") == "1" and request.user.voit_plusieurs_epci:
        regles = [_marges(_pied(libelle="chaque EPCI", annee=annee, definitif=definitif))]
        for epci in epci_du_territoire():
            siren = re.sub(r"\D", "", epci.siren)
            regles.append(
                _marges(_pied(libelle=epci.nom, annee=annee, definitif=definitif), f"pied-{siren} ")
            )
            regles.append(f"#bilan-{siren} {{ page: pied-{siren}; }}\n")
    else:
        regles = [_marges(_pied(libelle=demande.libelle, annee=annee, definitif=definitif))]
    reponse = HttpResponse('@charset "utf-8";\n' + "".join(regles), content_type="text/css; charset=utf-8")
    reponse["Cache-Control"] = "private, no-store"
    return reponse
