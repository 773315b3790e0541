"""Jeune and senior are computed from the birth date at the month worked: the periods ticked for them are
deleted. Those of anonymised people stay: their birth date keeps its year alone, the periods are what is left."""

from django.db import migrations

PUBLICS_D_AGE = ("JEUNE", "SENIOR")


def supprimer_publics_d_age(apps, schema_editor):
    Eligibilite = apps.get_model("beneficiaires", "Eligibilite")
    Eligibilite.objects.filter(
        public__code__in=PUBLICS_D_AGE, beneficiaire__anonymise_le__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("beneficiaires", "0007_messages_des_contraintes")]

    operations = [migrations.RunPython(supprimer_publics_d_age, migrations.RunPython.noop)]
