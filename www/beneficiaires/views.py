"""Beneficiary list and file (Département staff and EPCI clerks); outcomes, referent, check of the declared
publics, the access log and the right of access (Département only). Every display or export of people is recorded in the access log."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from beneficiaires import selectors, services
from beneficiaires.enums import ActionAcces
from beneficiaires.journal import journaliser
from beneficiaires.models import Sortie
from insertion.fusion import nombre_d_identites_en_double
from insertion.parcours import parcours, publics_calcules
from insertion.selectors import beneficiaires_avec_heures, heures_du_beneficiaire, totaux_heures
from portail.acces import utilisateur_ou_404
from portail.francais import pluriel
from portail.periodes import age
from portail.requetes import PaginationTable
from portail.tableurs import ExportTableur
from www.beneficiaires import droit_acces
from www.beneficiaires.filters import BeneficiaireFilter, JournalFilter
from www.beneficiaires.forms import ReferentForm, SortieForm, VerificationEligibiliteForm
from www.beneficiaires.tables import BeneficiaireTable, HeuresBeneficiaireTable, JournalTable

PAR_PAGE = 25
HEURES_PAR_PAGE = 50
JOURNAL_PAR_PAGE = 50


def _exporter(table, format_export, *, nom, titre="Bénéficiaires"):
    export = ExportTableur(format_export, table, dataset_kwargs={"title": titre})
    return export, export.response(filename=f"{nom}.{format_export}")


@utilisateur_ou_404("voit_donnees_personnelles")
def liste(request):
    user = request.user
    filtre = BeneficiaireFilter(request.GET or None, queryset=beneficiaires_avec_heures(user=user))
    table = BeneficiaireTable(
        filtre.qs,
        caption="Bénéficiaires" if user.voit_tout else f"Bénéficiaires suivis par {user.epci.nom}",
        heures_epci_seulement=not user.voit_tout,
    )
    PaginationTable(request, paginate={"per_page": PAR_PAGE}).configure(table)
    criteres = filtre.criteres()

    format_export = request.GET.get("_export")
    if format_export:
        # Personal data leaves the screen only for Département staff.
        if not user.voit_tout or format_export not in ExportTableur.FORMATS_PROPOSES:
            raise Http404
        export, reponse = _exporter(
            table, format_export, nom=f"beneficiaires-{timezone.localdate():%Y-%m-%d}"
        )
        journaliser(
            user=user,
            action=ActionAcces.EXPORT,
            nombre_personnes=len(export.dataset),
            detail=f"liste des bénéficiaires ({format_export.upper()})"
            + (f" : {criteres}" if criteres else ""),
        )
        return reponse

    if criteres:
        journaliser(
            user=user, action=ActionAcces.RECHERCHE, nombre_personnes=table.paginator.count, detail=criteres
        )
    contexte = {
        "filtre": filtre,
        "table": table,
        "identites_en_double": nombre_d_identites_en_double(user=user),
    }
    return render(request, "beneficiaires/liste.html", contexte)


def fiche(request, public_id):
    user = request.user
    beneficiaire = selectors.get_beneficiaire_for_user(user=user, public_id=public_id)
    journaliser(user=user, action=ActionAcces.CONSULTATION, beneficiaire=beneficiaire)
    heures = heures_du_beneficiaire(user=user, beneficiaire=beneficiaire)
    table_heures = HeuresBeneficiaireTable(
        heures,
        caption=(
            "Heures réalisées, tous marchés confondus"
            if user.voit_tout
            else f"Heures réalisées sur les marchés de {user.epci.nom}"
        ),
    )
    PaginationTable(request, paginate={"per_page": HEURES_PAR_PAGE}).configure(table_heures)
    aujourd_hui = timezone.localdate()
    sorties = list(selectors.sorties_du_beneficiaire(beneficiaire=beneficiaire)) if user.voit_tout else []
    le_parcours = parcours(heures=heures, sorties=sorties)
    publics = selectors.publics_du_beneficiaire(beneficiaire=beneficiaire)
    contexte = {
        "beneficiaire": beneficiaire,
        "age": None if beneficiaire.est_anonymise else age(beneficiaire.date_naissance, aujourd_hui),
        "publics_calcules": publics_calcules(
            beneficiaire=beneficiaire, parcours=le_parcours, aujourd_hui=aujourd_hui
        ),
        "parcours": le_parcours,
        "totaux": totaux_heures(heures=heures),
        "table_heures": table_heures,
        "voit_tout": user.voit_tout,
        "modifiable": user.voit_tout and not beneficiaire.est_anonymise,
        "sorties": sorties,
        "historique": [],
    }
    if contexte["modifiable"]:
        contexte["form_referent"] = _form_referent(beneficiaire)
    # Each period with its check form (Département staff; never for an age-based public).
    contexte["publics"] = [
        (
            periode,
            _form_verification(periode.eligibilite) if contexte["modifiable"] and not periode.d_age else None,
        )
        for periode in publics
    ]
    if user.voit_tout:
        contexte["historique"] = selectors.historique_du_beneficiaire(beneficiaire=beneficiaire)
    return render(request, "beneficiaires/fiche.html", contexte)


def _form_referent(beneficiaire, donnees=None):
    return ReferentForm(
        donnees,
        initial={"referent": beneficiaire.referent, "referent_precision": beneficiaire.referent_precision},
    )


def _form_verification(eligibilite, donnees=None):
    return VerificationEligibiliteForm(
        donnees,
        initial={
            "verification": eligibilite.verification,
            "justificatif": eligibilite.justificatif,
            "motif_refus": eligibilite.motif_refus,
        },
        auto_id=f"id_eligibilite_{eligibilite.pk}_%s",
    )


def _beneficiaire_modifiable(user, public_id):
    beneficiaire = selectors.get_beneficiaire_for_user(user=user, public_id=public_id)
    if beneficiaire.est_anonymise:
        raise Http404  # an anonymised record is never edited
    return beneficiaire


@utilisateur_ou_404("voit_tout")
def referent(request, public_id):
    user = request.user
    beneficiaire = _beneficiaire_modifiable(user, public_id)
    form = _form_referent(beneficiaire, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_referent(
                user=user,
                beneficiaire=beneficiaire,
                referent=form.cleaned_data["referent"],
                precision=form.cleaned_data["referent_precision"],
            )
        except services.PersonneAnonymisee as erreur:
            form.add_error(None, str(erreur))
        else:
            libelle = beneficiaire.get_referent_display() or "non renseigné"
            messages.success(request, f"Référent ou prescripteur enregistré : {libelle}.")
            return redirect("beneficiaires:fiche", public_id=beneficiaire.public_id)
    return render(request, "beneficiaires/referent.html", {"beneficiaire": beneficiaire, "form": form})


@utilisateur_ou_404("voit_tout")
def verification(request, public_id, eligibilite_pk):
    user = request.user
    beneficiaire = _beneficiaire_modifiable(user, public_id)
    eligibilite = selectors.get_eligibilite_a_verifier(beneficiaire=beneficiaire, pk=eligibilite_pk)
    form = _form_verification(eligibilite, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.verifier_eligibilite(user=user, eligibilite=eligibilite, **form.cleaned_data)
        except (services.PersonneAnonymisee, services.VerificationIncomplete) as erreur:
            form.add_error(None, str(erreur))
        else:
            messages.success(
                request,
                f"Éligibilité « {eligibilite.public.libelle} » : {eligibilite.get_verification_display()}.",
            )
            return redirect("beneficiaires:fiche", public_id=beneficiaire.public_id)
    return render(
        request,
        "beneficiaires/verification.html",
        {"beneficiaire": beneficiaire, "eligibilite": eligibilite, "form": form},
    )


@utilisateur_ou_404("voit_tout")
def sortie(request, public_id, sortie_pk=None):
    user = request.user
    beneficiaire = selectors.get_beneficiaire_for_user(user=user, public_id=public_id)
    if beneficiaire.est_anonymise:
        raise Http404  # an anonymised record is never edited
    if sortie_pk is None:
        instance = Sortie(beneficiaire=beneficiaire)
    else:
        instance = selectors.get_sortie(beneficiaire=beneficiaire, pk=sortie_pk)

    form = SortieForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            enregistree = services.enregistrer_sortie(user=user, sortie=form.instance)
        except (services.SortieEnDouble, services.PersonneAnonymisee) as erreur:
            form.add_error(None, str(erreur))
        else:
            verbe = "ajoutée" if sortie_pk is None else "modifiée"
            messages.success(request, f"Sortie {verbe} : {enregistree}.")
            return redirect("beneficiaires:fiche", public_id=beneficiaire.public_id)
    return render(
        request,
        "beneficiaires/sortie.html",
        {"beneficiaire": beneficiaire, "form": form, "creation": sortie_pk is None},
    )


@utilisateur_ou_404("voit_tout")
def journal(request):
    user = request.user
    filtre = JournalFilter(request.GET, queryset=selectors.journal_des_acces(user=user))
    entrees = filtre.qs if filtre.is_valid() else filtre.queryset.none()
    table = JournalTable(entrees)
    PaginationTable(request, paginate={"per_page": JOURNAL_PAR_PAGE}).configure(table)

    format_export = request.GET.get("_export")
    if format_export:
        if format_export not in ExportTableur.FORMATS_PROPOSES:
            raise Http404
        export, reponse = _exporter(
            table,
            format_export,
            nom=f"journal-des-acces-{timezone.localdate():%Y-%m-%d}",
            titre="Journal des accès",
        )
        # The log names the people it is about: exporting it is an access too.
        journaliser(
            user=user,
            action=ActionAcces.EXPORT,
            nombre_personnes=len(export.dataset),
            detail=f"journal des accès ({format_export.upper()}, {pluriel(len(export.dataset), 'entrée')})",
        )
        return reponse
    return render(request, "beneficiaires/journal.html", {"filtre": filtre, "table": table})


def _dossier_journalise(request, public_id, *, format_dossier: str) -> dict:
    user = request.user
    beneficiaire = selectors.get_beneficiaire_for_user(user=user, public_id=public_id)
    journaliser(
        user=user,
        action=ActionAcces.DROIT_ACCES,
        beneficiaire=beneficiaire,
        detail=f"dossier {format_dossier}",
    )
    return droit_acces.dossier(user=user, beneficiaire=beneficiaire)


@utilisateur_ou_404("voit_tout")
def droit_d_acces(request, public_id):
    contenu = _dossier_journalise(request, public_id, format_dossier="imprimable")
    return render(request, "beneficiaires/droit_acces.html", {"dossier": contenu, "public_id": public_id})


@utilisateur_ou_404("voit_tout")
def droit_d_acces_json(request, public_id):
    contenu = _dossier_journalise(request, public_id, format_dossier="JSON")
    reponse = HttpResponse(droit_acces.en_json(contenu), content_type="application/json; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="droit-d-acces-{public_id}.json"'
    return reponse
