from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_models_have_no_migration_missing():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
