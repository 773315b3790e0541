from django import template

from portail import formats, francais

register = template.Library()

register.filter("heures", formats.heures)
register.filter("euros", formats.euros)
register.filter("pourcentage", formats.pourcentage)
register.filter("annee", formats.annee)


@register.filter
def nombre(valeur, decimales=0):
    return formats.nombre(valeur, int(decimales))


def _formes(formes: str) -> tuple[str, str | None]:
    """« ligne,lignes » as the singular and the plural (a plural in s when only the singular is given)."""
    singulier, _, pluriel = formes.partition(",")
    return singulier, pluriel or None


@register.filter
def pluriel(valeur, formes):
    """{{ n|pluriel:"ligne lue,lignes lues" }} → « 0 ligne lue », « 2 lignes lues »."""
    return francais.pluriel(valeur, *_formes(formes))


@register.filter
def accord(valeur, formes):
    """{{ n|accord:"correspond,correspondent" }}: the agreed words only, without the figure."""
    return francais.accord(valeur, *_formes(formes))


register.filter("de", francais.de)
register.filter("du", francais.du)
register.filter("le", francais.le)
