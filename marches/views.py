from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from . import decp
from .forms import FormulaireImportDecp


@require_http_methods(["GET", "POST"])
def importer_decp(request):
    """Département staff upload a DECP file and read the summary; everyone else gets a 404."""
    if not request.user.voit_tout:
        raise Http404
    resultat = None
    formulaire = FormulaireImportDecp(request.POST or None, request.FILES or None)
    if request.method == "POST" and formulaire.is_valid():
        donnees = formulaire.cleaned_data
        fichier = donnees["fichier"]  # above 2,5 Mo, Django keeps it in a temporary file: streamed from there
        try:
            fichier.seek(0)
            resultat = decp.importer_decp(
                fichier=fichier,
                departement=donnees["departement"] or None,
                simulation=donnees["simulation"],
                utilisateur=request.user,
            )
        except decp.ImportDecpImpossible as exc:
            formulaire.add_error("fichier", exc.message)
    return render(
        request,
        "marches/import_decp.html",
        {
            "formulaire": formulaire,
            "resultat": resultat,
            "nom_fichier": formulaire.cleaned_data["fichier"].name if resultat else "",
        },
    )
