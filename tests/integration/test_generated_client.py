"""A Python client generated from the running app's /api/schema/ works: every module imports, and it logs in,
adds a fixture channel, syncs it, waits for the sync and reads its progress against the real stack.

openapi-python-client (pinned in requirements/test.txt) writes the client into a temp folder, offline: its
formatter hooks (ruff) are configured off, so nothing but the schema file is read. Each answer is parsed by the
generated models (``from_dict``), so a response that does not match the schema fails here too; a request model
that asked for a read-only field would not be constructible with the writable ones alone.
"""
from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from io import BytesIO

import pytest

from tests.conftest import ADMIN
from tests.harness import Api, wait_for

pytestmark = pytest.mark.integration

PACKAGE = "ytarchive_client"
CHANNEL = "chan-bench-1"  # one downloadable video (tests/integration/test_lanes.py uses it too, through add_fresh)
COOKIES = "# Netscape HTTP Cookie File\n.example.org\tTRUE\t/\tTRUE\t2000000000\tSID\tsecret-value-123\n"


@pytest.fixture
def generated(api: Api, tmp_path):
    """The generated package, imported from tmp_path (and forgotten again afterwards)."""
    schema = api.get("/api/schema/?format=json")
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    (tmp_path / "config.yaml").write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")
    run = subprocess.run([sys.executable, "-m", "openapi_python_client", "generate", "--path", "schema.json",
                          "--config", "config.yaml", "--meta", "none", "--output-path", PACKAGE],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    assert "Warning" not in said and "Error" not in said, said  # every operation and model generated
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _import_all(package) -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(package.__path__, PACKAGE + ".")]
    failed = {}
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # the test reports every module that does not import
            failed[name] = repr(exc)
    assert not failed, failed
    return names


def test_a_generated_client_imports_logs_in_adds_syncs_and_reads_progress(generated, fixture_site, stack):
    modules = _import_all(generated)
    assert f"{PACKAGE}.api.channels.channels_create" in modules and len(modules) > 50
    mod = lambda name: importlib.import_module(f"{PACKAGE}.{name}")  # noqa: E731
    models, client_mod, types = mod("models"), mod("client"), mod("types")
    import httpx

    anonymous = client_mod.Client(base_url=stack.base_url, timeout=httpx.Timeout(60), raise_on_unexpected_status=True)
    wrong = mod("api.auth.auth_token_create").sync_detailed(
        client=anonymous, body=models.AuthTokenRequest(username=ADMIN["username"], password="not-the-password"))
    assert wrong.status_code == 400 and isinstance(wrong.parsed, models.Error) and wrong.parsed.detail
    issued = mod("api.auth.auth_token_create").sync(client=anonymous, body=models.AuthTokenRequest(**ADMIN))
    assert isinstance(issued, models.IssuedToken) and issued.token
    client = client_mod.AuthenticatedClient(base_url=stack.base_url, token=issued.token, prefix="Token",
                                            timeout=httpx.Timeout(60), raise_on_unexpected_status=True)

    channel_id = f"fixturesite-{CHANNEL}"
    gone = mod("api.channels.channels_destroy").sync_detailed(id=channel_id, client=client, delete_files=True)
    assert gone.status_code in (204, 404)  # an earlier test may have added it

    # Only the writable fields: the add's request model asks for the URL alone.
    add = mod("api.channels.channels_create").sync_detailed(
        client=client, body=models.ChannelAddRequest(url=f"{fixture_site.base_url}/channel/{CHANNEL}", paused=True))
    assert add.status_code == 201, add.content
    channel = add.parsed
    assert isinstance(channel, models.ChannelAdd) and channel.id == channel_id and channel.sync is None

    started = mod("api.channels.channels_sync_create").sync_detailed(id=channel.id, client=client)
    assert started.status_code == 202 and isinstance(started.parsed, models.SyncJob)
    job = started.parsed
    assert job.status in (models.JobStatusEnum.QUEUED, models.JobStatusEnum.RUNNING)

    get_job = mod("api.syncs.syncs_retrieve").sync
    done = wait_for(lambda: (j := get_job(id=job.id, client=client)).status in
                    (models.JobStatusEnum.SUCCEEDED, models.JobStatusEnum.FAILED) and j, 120, "the sync to finish")
    assert done.status == models.JobStatusEnum.SUCCEEDED, done.error

    get_progress = mod("api.channels.channels_progress_retrieve").sync

    def archived():
        progress = get_progress(id=channel.id, client=client)
        assert isinstance(progress, models.Progress)
        return progress.total and progress.archived == progress.total and progress

    progress = wait_for(archived, 240, f"the video of {CHANNEL} to be archived")
    assert progress.total == 1 and progress.failed == 0 and progress.in_flight == []
    assert isinstance(progress.sync, models.SyncJob) and progress.sync.id == job.id

    listed = mod("api.videos.videos_list").sync(client=client, channel=channel.id)
    assert [v.status for v in listed.results] == [models.VideoStatusEnum.ARCHIVED]
    assert listed.results[0].shown_status == models.ShownStatusEnum.ARCHIVED

    # The one operation with two body types: the generated client sends text as JSON and a file as multipart.
    set_cookies = mod("api.channels.channels_cookies_update").sync
    as_text = set_cookies(id=channel.id, client=client, body=models.CookiesTextRequest(text=COOKIES))
    assert isinstance(as_text, models.CookiesState) and as_text.set_ is True and as_text.used == models.UsedEnum.CHANNEL
    upload = types.File(payload=BytesIO(COOKIES.encode()), file_name="cookies.txt", mime_type="text/plain")
    as_file = set_cookies(id=channel.id, client=client, body=models.CookiesFileRequest(file=upload))
    assert isinstance(as_file, models.CookiesState) and as_file.set_ is True

    removed = mod("api.channels.channels_destroy").sync_detailed(id=channel.id, client=client, delete_files=True)
    assert removed.status_code == 204
    out = mod("api.auth.auth_logout_create").sync_detailed(client=client)
    assert out.status_code == 204
    refused = mod("api.channels.channels_list").sync_detailed(client=client.with_headers({}))
    assert refused.status_code == 401  # the token was revoked
