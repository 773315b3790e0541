from django.apps import AppConfig


class InsertionConfig(AppConfig):
    name = "insertion"
    verbose_name = "clauses d'insertion"
