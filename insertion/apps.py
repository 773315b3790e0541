from django.apps import AppConfig


class InsertionConfig(AppConfig):
    name = "insertion"
    verbose_name = "clauses d'insertion"

    def ready(self):
        # Connects the receiver that gives the contracts flagged by the DECP import their clause to calibrate.
        from insertion import decp  # noqa: F401
