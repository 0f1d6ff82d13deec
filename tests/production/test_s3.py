"""Uploads on S3-compatible storage: through the API in, through the download views out,
against a real S3 protocol server (moto's)."""

from __future__ import annotations

import boto3
import pytest
from django.urls import reverse
from moto.server import ThreadedMotoServer

from motcua.dossiers.models import DossierFile
from tests.api.caller import PDF, ApiCaller
from tests.dossiers.world import build_world

BUCKET = "ho-so-motcua"
CREDENTIALS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}


@pytest.fixture
def s3():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


@pytest.fixture
def on_s3(s3, settings):
    endpoint, client = s3
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "location": "motcua",
                "file_overwrite": True,
                "default_acl": None,
            },
        },
    }
    return client


@pytest.mark.django_db
def test_a_file_uploaded_through_the_api_lands_in_the_bucket_and_downloads_back(client, on_s3):
    world = build_world()
    citizen = ApiCaller.for_user(client, world.people["citizen"])
    body = {
        "procedure": "1.000001",
        "unit": "000.01.99.H26",
        "data": {"ho_ten_tre": "Nguyễn Văn Bé"},
    }
    created = citizen.post("/dossiers", body)
    assert created.status_code == 201, created.json()
    code = created.json()["code"]
    upload = citizen.upload(code, name="to-khai.pdf")
    assert upload.status_code == 201, upload.json()

    record = DossierFile.objects.get(pk=upload.json()["id"])
    listed = on_s3.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert [o["Key"] for o in listed] == [f"motcua/{record.file.name}"]
    stored = on_s3.get_object(Bucket=BUCKET, Key=f"motcua/{record.file.name}")["Body"].read()
    assert stored == PDF

    client.force_login(world.people["citizen"])
    response = client.get(reverse("portal:dossier-file", args=[code, record.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF

    # Gone from the bucket: the download view answers 404, not 500.
    on_s3.delete_object(Bucket=BUCKET, Key=f"motcua/{record.file.name}")
    assert client.get(reverse("portal:dossier-file", args=[code, record.pk])).status_code == 404
