from django.db import OperationalError


def test_sante_repond_sans_connexion(client, db):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_accueil_renvoie_vers_la_connexion(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=/")


def test_sante_repond_503_quand_la_base_ne_repond_pas(client, db, monkeypatch):
    class BaseEnPanne:
        def cursor(self):
            raise OperationalError("connexion refusée")

    monkeypatch.setattr("www.accueil.views.connection", BaseEnPanne())
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.content.decode() == "base de données indisponible"
    assert "no-cache" in response["Cache-Control"]
