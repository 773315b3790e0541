"""The Département's validation queue, and the history of one row of hours."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from beneficiaires.models import Beneficiaire
from comptes.models import User
from marches.models import Entreprise
from portail.formats import heures as formater_heures
from portail.formats import nombre
from portail.periodes import libelle_mois

from ..filters_validation import ActionsFileForm, FiltreFileValidation
from ..models import Clause, HeuresRealisees
from ..selectors import get_heures_for_user
from ..services import SaisieInvalide, rejeter_heures, valider_heures
from ..tables_validation import ExportFile, TableFileValidation, nom_utilisateur, preparer_lignes

# --- reads -----------------------------------------------------------------------------------------


TYPES_HISTORIQUE = {"+": "création", "~": "modification", "-": "suppression"}
# Fields shown for a creation, in this order; a modification shows whatever changed.
CHAMPS_MODELE = [f.name for f in HeuresRealisees._meta.fields if f.editable and f.name != "id"]
CHAMPS_CREATION = ["mois", "employeur", "modalite", "type_contrat", "heures", "statut", "saisi_par"]
MODELES_LIES = {
    "clause": Clause.objects.select_related("lot__marche"),
    "beneficiaire": Beneficiaire.objects.all(),
    "employeur": Entreprise.objects.all(),
    "saisi_par": User.objects.all(),
    "valide_par": User.objects.all(),
}


@dataclass
class Changement:
    champ: str
    avant: str
    apres: str


@dataclass
class Evenement:
    date: datetime.datetime
    auteur: str
    type: str
    motif: str
    changements: list[Changement]


def historique_des_heures(*, rangee: HeuresRealisees) -> list[Evenement]:
    """Every historical record of the row, newest first, with its changes field by field.

    The number of queries does not depend on the number of records: one for the records and their
    authors, then one per related model (users, companies…) that a changed foreign key points to.
    """
    records = list(rangee.history.select_related("history_user").order_by("history_date", "history_id"))
    bruts = []  # (record, [(field, old, new)])
    for precedent, record in zip([None, *records], records, strict=False):
        if precedent is None or record.history_type == "+":
            valeurs = [(champ, None, getattr(record, _attribut(champ))) for champ in CHAMPS_CREATION]
            bruts.append((record, [(c, a, n) for c, a, n in valeurs if n not in (None, "")]))
        else:
            delta = record.diff_against(precedent)
            changes = sorted(delta.changes, key=lambda c: CHAMPS_MODELE.index(c.field))
            bruts.append((record, [(c.field, c.old, c.new) for c in changes]))

    lies = _objets_lies(bruts)
    evenements = [
        Evenement(
            date=record.history_date,
            auteur=nom_utilisateur(record.history_user) if record.history_user else "système",
            type=TYPES_HISTORIQUE.get(record.history_type, record.history_type),
            motif=record.history_change_reason or "",
            changements=[
                Changement(
                    champ=HeuresRealisees._meta.get_field(champ).verbose_name,
                    avant=_afficher(champ, avant, lies),
                    apres=_afficher(champ, apres, lies),
                )
                for champ, avant, apres in changements
            ],
        )
        for record, changements in bruts
    ]
    evenements.reverse()
    return evenements


def _attribut(champ):
    return HeuresRealisees._meta.get_field(champ).attname


def _objets_lies(bruts):
    """{field: {pk: object}} for the foreign keys that appear; saisi_par and valide_par share one query."""
    ids: dict[type, set] = {}
    for _record, changements in bruts:
        for champ, avant, apres in changements:
            if champ in MODELES_LIES:
                modele = MODELES_LIES[champ].model
                ids.setdefault(modele, set()).update(v for v in (avant, apres) if v is not None)
    objets = {}
    for queryset in MODELES_LIES.values():
        if queryset.model in ids and queryset.model not in objets:
            objets[queryset.model] = queryset.in_bulk(ids[queryset.model])
    return {champ: objets.get(queryset.model, {}) for champ, queryset in MODELES_LIES.items()}


def _afficher(champ, valeur, lies) -> str:
    if valeur is None or valeur == "":
        return "—"
    field = HeuresRealisees._meta.get_field(champ)
    if champ in lies:
        objet = lies[champ].get(valeur)
        if objet is None:
            return "(supprimé)"
        return nom_utilisateur(objet) if isinstance(objet, User) else str(objet)
    if field.choices:
        return str(dict(field.flatchoices).get(valeur, valeur))
    if champ == "heures":
        return formater_heures(Decimal(valeur))
    if champ == "mois":
        return libelle_mois(valeur)
    if isinstance(valeur, datetime.datetime):
        return timezone.localtime(valeur).strftime("%d/%m/%Y %H:%M")
    if isinstance(valeur, datetime.date):
        return valeur.strftime("%d/%m/%Y")
    return str(valeur)


# --- views -----------------------------------------------------------------------------------------


def _lignes(nombre_lignes, participe):
    """'1 ligne validée', '3 lignes validées', '1 000 lignes validées'."""
    s = "s" if nombre_lignes > 1 else ""
    return f"{nombre(nombre_lignes)} ligne{s} {participe}{s}"


class FileValidation(ExportMixin, SingleTableMixin, FilterView):
    """Declared hours waiting for the Département, filterable, validated or rejected in bulk."""

    template_name = "insertion/validation/file.html"
    filterset_class = FiltreFileValidation
    table_class = TableFileValidation
    table_pagination = {"per_page": 50}
    export_class = ExportFile
    export_formats = ExportFile.FORMATS_PROPOSES
    dataset_kwargs = {"title": "File de validation"}
    selection = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.voit_tout:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return HeuresRealisees.objects.for_user(self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        return super().get_filterset_kwargs(filterset_class) | {"data": self.request.GET}

    def get_export_filename(self, export_format):
        return f"file-de-validation-{timezone.localdate():%Y-%m-%d}.{export_format}"

    def get_table_data(self):
        return preparer_lignes(self.object_list).order_by(
            "mois", "clause__lot__marche__reference", "clause__lot__numero", "beneficiaire__nom", "pk"
        )

    def get_table_kwargs(self):
        return {"caption": "Heures déclarées par les EPCI", "selection": self.selection}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("actions", ActionsFileForm(lignes=self.object_list))
        return super().get_context_data(**kwargs)

    def _filtrer(self):
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_valid():
            self.object_list = self.filterset.qs
        else:
            self.object_list = self.filterset.queryset.none()

    def post(self, request, *args, **kwargs):
        self._filtrer()
        form = ActionsFileForm(request.POST, lignes=self.object_list)
        if form.is_valid():
            rangees = form.cleaned_data["rangees"]
            # Rows ticked one by one are judged on the version displayed; "all filtered rows" on their current one.
            versions = (
                None
                if form.cleaned_data.get("toutes_filtrees")
                else {r.pk: request.POST.get(f"version_{r.pk}", "") for r in rangees}
            )
            try:
                if form.cleaned_data["action"] == ActionsFileForm.VALIDER:
                    traitees = valider_heures(user=request.user, rangees=rangees, versions=versions)
                    messages.success(request, _lignes(traitees, "validée"))
                else:
                    traitees = rejeter_heures(
                        user=request.user,
                        rangees=rangees,
                        motif=form.cleaned_data["motif"],
                        versions=versions,
                    )
                    messages.success(request, _lignes(traitees, "rejetée"))
            except SaisieInvalide as erreur:
                form.add_error(None, str(erreur))
            else:
                ignorees = len(rangees) - traitees
                if ignorees:
                    raison = (
                        "elles n'étaient plus en attente de validation ou ont été modifiées par l'EPCI "
                        "depuis l'affichage de la file : vérifiez-les à nouveau"
                        if ignorees > 1
                        else "elle n'était plus en attente de validation ou a été modifiée par l'EPCI "
                        "depuis l'affichage de la file : vérifiez-la à nouveau"
                    )
                    messages.info(request, f"{_lignes(ignorees, 'ignorée')} : {raison}.")
                # Back to the same filtered page of the queue.
                return redirect(request.get_full_path())
        self.selection = {r.pk for r in form.cleaned_data.get("selection") or ()}
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list, actions=form)
        return self.render_to_response(context)


file = FileValidation.as_view()


def historique(request, pk):
    rangee = get_heures_for_user(user=request.user, pk=pk)
    return render(
        request,
        "insertion/validation/historique.html",
        {
            "rangee": rangee,
            "mois": libelle_mois(rangee.mois),
            "evenements": historique_des_heures(rangee=rangee),
        },
    )
