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
from portail.acces import utilisateur_ou_404
from portail.formats import nombre
from portail.periodes import libelle_mois
from portail.requetes import PaginationTable
from www.validation.filters import FileValidationFilter
from www.validation.forms import ActionsFileForm
from www.validation.tables import ExportFile, FileValidationTable


def _lignes(nombre_lignes, participe):
    """'1 ligne validée', '3 lignes validées', '1 000 lignes validées'."""
    s = "s" if nombre_lignes > 1 else ""
    return f"{nombre(nombre_lignes)} ligne{s} {participe}{s}"


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
