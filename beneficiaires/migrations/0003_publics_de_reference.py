from django.db import migrations

PUBLICS = [
    ("BRSA", "bénéficiaire du RSA"),
    ("DELD", "demandeur d'emploi de longue durée (plus de 12 mois)"),
    ("JEUNE", "jeune de moins de 26 ans"),
    ("RQTH", "travailleur handicapé (RQTH)"),
    ("SENIOR", "senior de 50 ans et plus"),
    ("ASS_AAH", "allocataire de l'ASS ou de l'AAH"),
    ("SIAE", "salarié d'une SIAE"),
    ("QPV", "résident d'un quartier prioritaire (QPV)"),
    ("AUTRE", "autre public validé par le facilitateur"),
]


def creer_publics(apps, schema_editor):
    Public = apps.get_model("beneficiaires", "Public")
    for ordre, (code, libelle) in enumerate(PUBLICS, start=1):
        Public.objects.update_or_create(code=code, defaults={"libelle": libelle, "ordre": ordre})


class Migration(migrations.Migration):
    dependencies = [("beneficiaires", "0002_initial")]

    operations = [migrations.RunPython(creer_publics, migrations.RunPython.noop)]
