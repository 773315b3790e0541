"""The insertion app's models, a module per phase of the year; imported here so Django registers them."""

from insertion.models.annees import ClotureAnnee, CommentaireBilan, Objectif, ParametresObjectif
from insertion.models.clauses import Clause, ParametresCalibrage
from insertion.models.heures import HeuresRealisees, HeuresRealiseesQuerySet
from insertion.models.releves import ReleveEnAttente

__all__ = [
    "Clause",
    "ClotureAnnee",
    "CommentaireBilan",
    "HeuresRealisees",
    "HeuresRealiseesQuerySet",
    "Objectif",
    "ParametresCalibrage",
    "ParametresObjectif",
    "ReleveEnAttente",
]
