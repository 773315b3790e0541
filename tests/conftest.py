import pytest
from django.db import connection


@pytest.fixture
def sur_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("nécessite PostgreSQL")


@pytest.fixture(autouse=True)
def _hachage_rapide(settings):
    # The default PBKDF2 hasher makes every factory-made user cost a few hundred milliseconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
