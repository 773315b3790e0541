"""Query counts of a page compared between n and 10 n rows, rather than pinned to a number.

A page whose count grows with its rows has an N+1; a harmless change (one more query for every size) passes.
"""

import re
from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext


def requetes_de_la_page(client, url, params=None):
    """The response to GET `url` and the SQL it ran. A first request, not counted, fills the process's caches
    (content types…), so that both sizes are measured alike."""
    client.get(url, params)
    with CaptureQueriesContext(connection) as capture:
        reponse = client.get(url, params)
    return reponse, [requete["sql"] for requete in capture.captured_queries]


def requetes_de_l_envoi(client, url, donnees):
    """The response to POST `donnees` to `url` and the SQL it ran (a POST changes things: no first request)."""
    with CaptureQueriesContext(connection) as capture:
        reponse = client.post(url, donnees)
    return reponse, [requete["sql"] for requete in capture.captured_queries]


def _forme(sql: str) -> str:
    """The query without its values, to tell which one repeats."""
    sans_points = re.sub(r'"s\d+_x\d+"', "?", sql)  # savepoint names
    return re.sub(r"\b\d+\b|'[^']*'|\([\d, %s]+\)", "?", sans_points)


def formes(requetes: list[str]) -> Counter:
    """The queries without their values, counted (to compare two pages' queries)."""
    return Counter(map(_forme, requetes))


def assert_autant_de_requetes(avec_n: list[str], avec_10_n: list[str]):
    """The same request ran as many queries with n rows as with 10 n; otherwise, the queries that repeat."""
    if len(avec_n) == len(avec_10_n):
        return
    en_plus = Counter(map(_forme, avec_10_n)) - Counter(map(_forme, avec_n))
    detail = "\n".join(f"  {nombre} × {sql[:300]}" for sql, nombre in en_plus.most_common(5))
    raise AssertionError(
        f"{len(avec_n)} requêtes avec n lignes, {len(avec_10_n)} avec 10 n : le nombre de requêtes dépend "
        f"du nombre de lignes (N+1). Requêtes en plus :\n{detail}"
    )
