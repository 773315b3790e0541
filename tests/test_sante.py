def test_sante_repond_sans_connexion(client, db):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_accueil_renvoie_vers_la_connexion(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=/")
