"""One access decorator: a view a user may not use answers 404, as if it did not exist."""

from functools import wraps

from django.http import Http404


def utilisateur_ou_404(regle: str):
    """Runs the view only when the signed-in user's boolean attribute `regle` is true (`"voit_tout"`,
    `"peut_declarer"`…); 404 otherwise, never 403: nothing is revealed."""

    def decorateur(vue):
        @wraps(vue)
        def vue_gardee(request, *args, **kwargs):
            if not getattr(request.user, regle, False):
                raise Http404
            return vue(request, *args, **kwargs)

        vue_gardee.regle_acces = regle
        return vue_gardee

    return decorateur
