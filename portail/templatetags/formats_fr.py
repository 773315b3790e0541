from django import template

from portail import formats

register = template.Library()

register.filter("heures", formats.heures)
register.filter("euros", formats.euros)
register.filter("pourcentage", formats.pourcentage)


@register.filter
def nombre(valeur, decimales=0):
    return formats.nombre(valeur, int(decimales))
