import pytest
from django.db import connection


@pytest.fixture
def sur_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("nécessite PostgreSQL")
