"""The Département's validation queue, and the history of one row of hours."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from beneficiaires.enums import ActionAcces
from beneficiaires.journal import journaliser
from insertion.selectors import (
    file_de_validation,
    get_heures_for_user,
    historique_des_heures,
    personnes_de_la_file,
    preparer_file,
)
from insertion.services import SaisieInvalide, rejeter_heures, valider_heures
from notifications.services import notifier_rejet
from portail.acces import utilisateur_ou_404
from portail.formats import heures
from portail.francais import pluriel
from portail.periodes import libelle_mois
from portail.requetes import PaginationTable
from www.validation.filters import FileValidationFilter
from www.validation.forms import ActionsFileForm, RejetLigneForm
from www.validation.tables import ExportFile, FileValidationTable

LIGNES_NOMMEES = 10  # the confirmation names this many rows, then says how many others


def _lignes(nombre_lignes, participe):
    """'1 ligne validée', '3 lignes validées', '1 000 lignes validées'."""
    return pluriel(nombre_lignes, f"ligne {participe}", f"lignes {participe}s")


def _ligne_nommee(rangee) -> str:
    marche = rangee.clause.lot.marche
    return (
        f"{rangee.beneficiaire}, {libelle_mois(rangee.mois)}, {marche.acheteur.nom} – marché {marche.reference}, "
        f"{heures(rangee.heures)}"
    )


def confirmation(rangees, participe: str) -> str:
    """'2 lignes validées : DUPONT Jean, mars 2026, Mairie d'Angers – marché 2026-T-002, 35 h ; …', the first
    ten rows named, then 'et N autres'."""
    if not rangees:
        return _lignes(0, participe)
    rangees = sorted(rangees, key=lambda r: (r.mois, r.beneficiaire.nom, r.beneficiaire.prenom, r.pk))
    texte = f"{_lignes(len(rangees), participe)} : " + " ; ".join(
        map(_ligne_nommee, rangees[:LIGNES_NOMMEES])
    )
    if (reste := len(rangees) - LIGNES_NOMMEES) > 0:
        texte += f" et {pluriel(reste, 'autre')}"
    return f"{texte}."


def _annoncer(request, traitees, *, demandees: int, participe: str):
    """The confirmation, and the rows left alone (no longer waiting, or changed since the display)."""
    messages.success(request, confirmation(traitees, participe))
    ignorees = demandees - len(traitees)
    if ignorees:
        raison = (
            "elles n'étaient plus en attente de validation ou ont été modifiées par l'EPCI "
            "depuis l'affichage de la file : vérifiez-les à nouveau"
            if ignorees > 1
            else "elle n'était plus en attente de validation ou a été modifiée par l'EPCI "
            "depuis l'affichage de la file : vérifiez-la à nouveau"
        )
        messages.info(request, f"{_lignes(ignorees, 'ignorée')} : {raison}.")


@method_decorator(utilisateur_ou_404("voit_tout"), name="dispatch")
class FileValidationView(ExportMixin, SingleTableMixin, FilterView):
    """Declared hours waiting for the Département, filterable, validated or rejected in bulk."""

    template_name = "validation/file.html"
    filterset_class = FileValidationFilter
    table_class = FileValidationTable
    table_pagination = {"per_page": 50}
    export_class = ExportFile
    export_formats = ExportFile.FORMATS_PROPOSES
    dataset_kwargs = {"title": "File de validation"}
    selection = ()
    rejet = None  # (pk, reason, error) of a row rejected on its own and refused

    def get_queryset(self):
        return file_de_validation(user=self.request.user)

    def get_table(self, **kwargs):
        table = self.get_table_class()(data=self.get_table_data(), **kwargs)
        return PaginationTable(self.request, paginate=self.get_table_pagination(table)).configure(table)

    def get_filterset_kwargs(self, filterset_class):
        return super().get_filterset_kwargs(filterset_class) | {"data": self.request.GET}

    def get_export_filename(self, export_format):
        return f"file-de-validation-{timezone.localdate():%Y-%m-%d}.{export_format}"

    def create_export(self, export_format):
        # The queue names people: its export is recorded in the access log.
        reponse = super().create_export(export_format)
        journaliser(
            user=self.request.user,
            action=ActionAcces.EXPORT,
            nombre_personnes=personnes_de_la_file(lignes=self.object_list),
            detail=f"file de validation ({export_format.upper()})",
        )
        return reponse

    def get_table_data(self):
        return preparer_file(self.object_list).order_by(
            "mois", "clause__lot__marche__reference", "clause__lot__numero", "beneficiaire__nom", "pk"
        )

    def get_table_kwargs(self):
        return {"caption": "Heures déclarées par les EPCI", "selection": self.selection, "rejet": self.rejet}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("actions", ActionsFileForm(lignes=self.object_list))
        return super().get_context_data(**kwargs)

    def _filtrer(self):
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_valid():
            self.object_list = self.filterset.qs
        else:
            self.object_list = self.filterset.queryset.none()

    def _rejeter_une_ligne(self, request):
        """The row's own "Rejeter" button: that row, with its own reason (required)."""
        form = RejetLigneForm.depuis_la_file(request.POST, lignes=self.object_list)
        if form.is_valid():
            rangee = form.cleaned_data["ligne"]
            versions = {rangee.pk: request.POST.get(f"version_{rangee.pk}", "")}
            try:
                traitees = rejeter_heures(
                    user=request.user, rangees=[rangee], motif=form.cleaned_data["motif"], versions=versions
                )
                # The clerks who declared them are told (in the portal, and by e-mail after the commit).
                notifier_rejet(rangees=traitees)
            except SaisieInvalide as erreur:
                form.add_error(None, str(erreur))
            else:
                _annoncer(request, traitees, demandees=1, participe="rejetée")
                return redirect(request.get_full_path())
        if ligne := form.cleaned_data.get("ligne"):
            self.rejet = (ligne.pk, form.data.get("motif", ""), " ".join(form.errors.get("motif", [])))
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list, rejet_ligne=form)
        return self.render_to_response(context)

    def post(self, request, *args, **kwargs):
        self._filtrer()
        if "rejeter_ligne" in request.POST:
            return self._rejeter_une_ligne(request)
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
                    participe = "validée"
                else:
                    traitees = rejeter_heures(
                        user=request.user,
                        rangees=rangees,
                        motif=form.cleaned_data["motif"],
                        versions=versions,
                    )
                    notifier_rejet(rangees=traitees)
                    participe = "rejetée"
            except SaisieInvalide as erreur:
                form.add_error(None, str(erreur))
            else:
                _annoncer(request, traitees, demandees=len(rangees), participe=participe)
                # Back to the same filtered page of the queue.
                return redirect(request.get_full_path())
        self.selection = {r.pk for r in form.cleaned_data.get("selection") or ()}
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list, actions=form)
        return self.render_to_response(context)


file = FileValidationView.as_view()


def historique(request, pk):
    rangee = get_heures_for_user(user=request.user, pk=pk)
    return render(
        request,
        "validation/historique.html",
        {
            "rangee": rangee,
            "mois": libelle_mois(rangee.mois),
            "evenements": historique_des_heures(rangee=rangee),
        },
    )
