"""/api/schema/ is what a generated client needs (issue 26; tests/integration/test_generated_client.py
generates one and uses it): request and response components apart, read-only fields never asked for in a
request nor write-only ones promised in an answer, one request body type per operation (the cookies upload
alone takes two), no security on the token endpoint, stable enum names, no warnings; and the API itself
takes JSON only, a form getting a 415 that says what to send.
"""
from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from archiver.vocabulary import FailureReason, FixityStatus, FlightState, JobStatus, VideoStatus
from tokens_app.service import issue

pytestmark = pytest.mark.django_db

# The one operation with two body types: JSON text or a multipart file (each with a type of its own).
TWO_BODY_TYPES = {("/api/cookies/", "put"), ("/api/channels/{id}/cookies/", "put")}


@pytest.fixture(scope="module")
def schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def resolve(schema, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_the_schema_validates_without_a_warning(tmp_path):
    # --fail-on-warn: any warning or error of drf-spectacular (an enum name collision, a field it cannot type)
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").stat().st_size > 10_000


def test_requests_ask_only_for_writable_fields_and_answers_show_no_write_only_ones(schema):
    components = schema["components"]["schemas"]
    requests = {name: c for name, c in components.items() if name.endswith("Request")}
    assert {"AuthTokenRequest", "ChannelAddRequest", "PatchedChannelRequest"} <= set(requests)
    for name, component in requests.items():
        read_only = [p for p, s in component.get("properties", {}).items() if s.get("readOnly")]
        assert not read_only, (name, read_only)
    assert set(requests["AuthTokenRequest"]["properties"]) == {"username", "password"}
    assert sorted(requests["AuthTokenRequest"]["required"]) == ["password", "username"]
    assert requests["ChannelAddRequest"]["required"] == ["url"]  # adding a channel needs its URL alone
    assert "sync" not in requests["ChannelAddRequest"]["properties"]
    assert "PatchedChannelRequest" in requests and not requests["PatchedChannelRequest"].get("required")
    for name in ("Channel", "ChannelAdd"):  # the answers: the secrets and the add's switch are never in them
        assert not {"notify_urls", "paused"} & set(components[name]["properties"]), name
    for name, component in components.items():
        if name in requests:
            continue
        write_only = [p for p, s in component.get("properties", {}).items() if s.get("writeOnly")]
        assert not write_only, (name, write_only)


def test_every_operation_has_one_request_body_type_but_the_cookies_upload(schema):
    for path, method, operation in operations(schema):
        content = operation.get("requestBody", {}).get("content", {})
        if (path, method) in TWO_BODY_TYPES:
            assert set(content) == {"application/json", "multipart/form-data"}, path
            types = {resolve(schema, c["schema"]["$ref"])["required"][0] for c in content.values()}
            assert types == {"text", "file"}  # a client tells them apart by their types
        else:
            assert set(content) <= {"application/json"}, (path, method, set(content))


def test_the_token_endpoint_needs_no_credentials_and_the_others_do(schema):
    token = schema["paths"]["/api/auth/token/"]["post"]
    assert not token.get("security") and not schema.get("security")
    assert token["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/AuthTokenRequest")
    assert token["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/IssuedToken")
    assert schema["paths"]["/api/channels/"]["post"]["security"]


def test_enum_names_are_the_vocabularies_and_never_a_hash(schema):
    enums = {name: c.get("enum") for name, c in schema["components"]["schemas"].items() if name.endswith("Enum")}
    # drf-spectacular's last resort on a collision: the field's name and 3 hex digits of a hash (Status0c4Enum)
    hashed = [name for name in enums if re.search(r"[a-z][0-9A-F][0-9a-f]{2}Enum$", name)]
    assert not hashed, hashed
    assert enums["VideoStatusEnum"] == [str(s) for s in VideoStatus if s != VideoStatus.DOWNLOADING]
    assert enums["ShownStatusEnum"] == [*(str(s) for s in VideoStatus), str(FixityStatus.DAMAGED)]
    assert enums["JobStatusEnum"] == [str(s) for s in JobStatus]  # a sync's and an import's status alike
    assert enums["FailureReasonEnum"] == [str(r) for r in FailureReason]
    assert enums["FlightStateEnum"] == [str(s) for s in FlightState]
    assert enums["FixityStatusEnum"] == [str(s) for s in FixityStatus if s]
    assert not {"ReasonEnum", "StateEnum", "SyncJobStatusEnum", "ImportJobStatusEnum"} & set(enums)
    for name in ("SyncJob", "ImportJob"):
        status = schema["components"]["schemas"][name]["properties"]["status"]
        assert status["allOf"] == [{"$ref": "#/components/schemas/JobStatusEnum"}], (name, status)


@pytest.mark.parametrize("path", ["/api/auth/token/", "/api/channels/", "/api/watch/bulk/"])
def test_a_form_gets_a_415_that_says_to_send_json(path):
    user = User.objects.create_user("formy", password="pw-formy-12345", is_staff=True)
    client = Client(HTTP_AUTHORIZATION=f"Token {issue(user).key}")
    for content_type in ("application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        answer = client.post(path, "username=formy&password=pw-formy-12345&url=x", content_type=content_type)
        assert answer.status_code == 415, (path, content_type, answer.content)
        detail = answer.json()["detail"]
        assert detail == f'Unsupported media type "{content_type.split(";")[0]}": send JSON ' \
                         f'(Content-Type: application/json).', detail


def test_the_cookies_upload_takes_a_file_or_json_and_says_so_to_a_form(db):
    user = User.objects.create_user("cookie-owner", password="pw-cookie-12345", is_staff=True, is_superuser=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue(user).key}")
    answer = client.put("/api/cookies/", "text=x", content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 415
    assert answer.json()["detail"] == ('Unsupported media type "application/x-www-form-urlencoded": send JSON '
                                       '(Content-Type: application/json) or multipart/form-data.')
    assert client.put("/api/cookies/", {}, format="json").status_code == 400  # an empty body is still refused


def test_json_still_logs_in(db):
    User.objects.create_user("jsonny", password="pw-jsonny-12345")
    answer = Client().post("/api/auth/token/", {"username": "jsonny", "password": "pw-jsonny-12345"},
                           content_type="application/json")
    assert answer.status_code == 200 and answer.json()["token"]
