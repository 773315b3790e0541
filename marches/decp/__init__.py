"""Import of the DECP open data (données essentielles de la commande publique, 2024 format).

The file is streamed with ijson in one pass and in constant memory; records are written in batches, all in
one transaction. This package creates buyers, companies, contracts and their single lot. What other apps do
with the imported contracts (the insertion clauses) hangs on the `lots_importes` signal, sent for every batch
inside the same transaction: `marches` knows nothing of insertion.

One module per phase: `lecture` (the JSON stream), `conversion` (one record to a MarcheDecp), `referentiel`
(the territories), `ecriture` (the batches and the signal), `importation` (the whole import), `bilan` (the
summary), `exceptions`.

Schema: github.com/139bercy/format-commande-publique, versions 2.0.x.
"""

from marches.decp.bilan import LISTE_MAX, Rejet, ResultatImportDecp
from marches.decp.conversion import lire_marche, reference_pour
from marches.decp.ecriture import RAISON_HISTORIQUE, LotImporte, lots_importes
from marches.decp.exceptions import EnregistrementInvalide, ImportDecpImpossible
from marches.decp.importation import TAILLE_LOT, importer_decp
from marches.decp.lecture import CONCESSION, MARCHE, lire_enregistrements, message_json_invalide
from marches.decp.referentiel import CODE_DEPARTEMENT, nom_de_commune

__all__ = [
    "CODE_DEPARTEMENT",
    "CONCESSION",
    "LISTE_MAX",
    "MARCHE",
    "RAISON_HISTORIQUE",
    "TAILLE_LOT",
    "EnregistrementInvalide",
    "ImportDecpImpossible",
    "LotImporte",
    "Rejet",
    "ResultatImportDecp",
    "importer_decp",
    "lire_enregistrements",
    "lire_marche",
    "lots_importes",
    "message_json_invalide",
    "nom_de_commune",
    "reference_pour",
]
