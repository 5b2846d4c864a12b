"""What every YoutubeDL of a process shares: the PO-token server, impersonation, yt-dlp's cache.

Real yt-dlp, real plugin, real curl_cffi: nothing here is mocked.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from archiver import netguard, tree
from archiver.ytdlp import params
from config import env

ALLOW_ALL = netguard.AddressPolicy(allow_all=True)


@pytest.fixture
def environment():
    yield
    params.configure(params.Environment())


def test_curl_cffi_is_importable_and_yt_dlp_lists_its_impersonation_targets():
    import curl_cffi

    assert curl_cffi.__version__ == "0.17.0"
    yt_dlp_cli = Path(sys.executable).with_name("yt-dlp")
    out = subprocess.run([str(yt_dlp_cli), "--list-impersonate-targets"], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    targets = [line.split() for line in out.splitlines() if line.endswith("curl_cffi")]
    assert any(t[0].startswith("Chrome-") for t in targets), out
    assert any(t[0].startswith("Safari-") for t in targets), out


def test_impersonation_setting_is_checked_by_yt_dlp(monkeypatch):
    monkeypatch.setenv("YTARCHIVE_IMPERSONATE", "chrome")
    assert env.env_impersonate("YTARCHIVE_IMPERSONATE", ALLOW_ALL) == "chrome"
    monkeypatch.setenv("YTARCHIVE_IMPERSONATE", "netscape-4")  # a well-formed target nobody provides
    with pytest.raises(ImproperlyConfigured, match=r"YTARCHIVE_IMPERSONATE='netscape-4'.*not available"):
        env.env_impersonate("YTARCHIVE_IMPERSONATE", ALLOW_ALL)
    monkeypatch.setenv("YTARCHIVE_IMPERSONATE", "chrome:mac:os:x")
    with pytest.raises(ImproperlyConfigured, match=r"YTARCHIVE_IMPERSONATE.*Invalid impersonate target"):
        env.env_impersonate("YTARCHIVE_IMPERSONATE", ALLOW_ALL)
    monkeypatch.delenv("YTARCHIVE_IMPERSONATE")
    assert env.env_impersonate("YTARCHIVE_IMPERSONATE", netguard.AddressPolicy()) == ""


def test_impersonation_is_refused_while_every_connection_is_checked(monkeypatch):
    """libcurl connects where the audit hook cannot see: impersonation only once the check is off."""
    monkeypatch.setenv("YTARCHIVE_IMPERSONATE", "chrome")
    with pytest.raises(ImproperlyConfigured, match=r"YTARCHIVE_IMPERSONATE.*YTARCHIVE_ALLOW_PRIVATE_URLS=true"):
        env.env_impersonate("YTARCHIVE_IMPERSONATE", netguard.AddressPolicy.parse("127.0.0.0/8"))


@pytest.mark.parametrize("value", ["bgutil:4416", "ftp://pot.example", "http://", "http://pot.example:99999",
                                   "http://user:secret@pot.example:4416"])
def test_a_pot_provider_url_must_be_an_http_url(monkeypatch, value):
    monkeypatch.setenv("YTARCHIVE_POT_PROVIDER_URL", value)
    with pytest.raises(ImproperlyConfigured, match="YTARCHIVE_POT_PROVIDER_URL"):
        env.env_http_url("YTARCHIVE_POT_PROVIDER_URL")


def test_a_pot_provider_url_with_credentials_is_refused_without_echoing_them(monkeypatch):
    monkeypatch.setenv("YTARCHIVE_POT_PROVIDER_URL", "ftp://user:s3cret@pot.example:99999")
    with pytest.raises(ImproperlyConfigured, match="user name or password") as refused:
        env.env_http_url("YTARCHIVE_POT_PROVIDER_URL")
    assert "s3cret" not in str(refused.value)


def test_cache_dir_default_off_and_absolute_only(monkeypatch, tmp_path):
    default = tmp_path / tree.APP_DIR / "yt-dlp-cache"
    monkeypatch.delenv("YTARCHIVE_YTDLP_CACHE_DIR", raising=False)
    assert env.env_cache_dir("YTARCHIVE_YTDLP_CACHE_DIR", default) == str(default)
    monkeypatch.setenv("YTARCHIVE_YTDLP_CACHE_DIR", "off")
    assert env.env_cache_dir("YTARCHIVE_YTDLP_CACHE_DIR", default) == ""
    monkeypatch.setenv("YTARCHIVE_YTDLP_CACHE_DIR", "cache")
    with pytest.raises(ImproperlyConfigured, match="YTARCHIVE_YTDLP_CACHE_DIR"):
        env.env_cache_dir("YTARCHIVE_YTDLP_CACHE_DIR", default)


def test_yt_dlp_reports_the_bgutil_providers_and_the_configured_server(environment):
    params.configure(params.Environment(pot_provider_url="http://bgutil.example:4416"))
    report = params.environment_report()
    providers = next(line for line in report if "[pot] PO Token Providers:" in line)
    assert "bgutil:http-2.0.2 (external)" in providers and "unavailable" not in providers.split(",")[0]
    assert "[ytarchive] extractor args: youtubepot-bgutilhttp:base_url=http://bgutil.example:4416" in report
    assert not any(line.startswith("[debug] params:") for line in report)  # every option, secrets too


def test_without_a_server_no_po_token_is_asked_for(environment):
    params.configure(params.Environment())
    report = params.environment_report()
    assert "[ytarchive] extractor args: youtube:fetch_pot=never" in report
    assert "[ytarchive] cache: none" in report


def test_nothing_walking_the_archive_takes_its_own_folder_for_a_channel(tmp_path):
    own = tree.app_dir(tmp_path)
    (own / "yt-dlp" / ".tmp-install").mkdir(parents=True)
    (own / ".tmp-staging").mkdir()
    (own / "yt-dlp-cache" / "youtube-sigfuncs").mkdir(parents=True)
    (own / "yt-dlp-cache" / "x.part").write_text("not ours to judge")
    channel = tmp_path / "UCabcdefghijklmnopqrstuv"
    (channel / "videos" / ".tmp-v1-abc").mkdir(parents=True)
    assert tree.channel_entries(tmp_path) == [channel]
    assert tree.find_temp_paths(tmp_path) == [channel / "videos" / ".tmp-v1-abc"]
    assert tree.find_partial_files(tmp_path) == [channel / "videos" / ".tmp-v1-abc"]


THREADS_AT_ONCE = '''
import io, logging, sys, threading
import django
django.setup()  # channels_app's ready() configures yt-dlp, as in every process that runs it
import yt_dlp
from archiver.ytdlp import params
caught = io.StringIO()
logging.getLogger().addHandler(logging.StreamHandler(caught))
sys.stderr = caught
threads = [threading.Thread(target=lambda: yt_dlp.YoutubeDL(params.base_params(params.Options())))
           for _ in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
sys.stderr = sys.__stderr__
print("import errors:", caught.getvalue().count("Error while importing module"))
print("provider:", "yt_dlp_plugins.extractor.getpot_bgutil_http" in sys.modules)
'''


def test_a_worker_s_download_threads_all_get_the_po_token_provider():
    """Eight download threads building their first YoutubeDL at once (a worker starting its downloads) never
    import yt-dlp's plugins concurrently: the first loads them, the rest wait, so no provider goes missing."""
    repo = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", THREADS_AT_ONCE], cwd=repo, capture_output=True, text=True,
                         timeout=120, check=True)
    assert "import errors: 0" in out.stdout, out.stdout + out.stderr
    assert "provider: True" in out.stdout
