from decimal import Decimal

from django.db import migrations

# Starting values only: the Département changes them in the admin ("Paramètres de calibrage").
# (nature, part de main-d'œuvre %, taux d'insertion %, coût horaire €/h)
PARAMETRES = [
    ("travaux", Decimal("50"), Decimal("5"), Decimal("30")),
    ("services", Decimal("60"), Decimal("5"), Decimal("28")),
    ("fournitures", Decimal("20"), Decimal("5"), Decimal("28")),
]


def creer_parametres(apps, schema_editor):
    ParametresCalibrage = apps.get_model("insertion", "ParametresCalibrage")
    for nature, part_main_oeuvre, taux_insertion, cout_horaire in PARAMETRES:
        # get_or_create: never overwrite values the Département has already changed.
        ParametresCalibrage.objects.get_or_create(
            nature=nature,
            defaults={
                "part_main_oeuvre": part_main_oeuvre,
                "taux_insertion": taux_insertion,
                "cout_horaire": cout_horaire,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("insertion", "0002_parametres_calibrage")]

    operations = [migrations.RunPython(creer_parametres, migrations.RunPython.noop)]
