"""Settings fail loudly, naming the variable, on a bad value."""
import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env


@pytest.mark.parametrize(("name", "value", "call"), [
    ("X_INT", "abc", lambda: env.env_int("X_INT", 1)),
    ("X_INT", "-5", lambda: env.env_int("X_INT", 1, minimum=0)),
    ("X_BOOL", "maybe", lambda: env.env_bool("X_BOOL", False)),
    ("X_CHOICE", "docker", lambda: env.env_choice("X_CHOICE", "local", ("local", "none"))),
    ("X_FLOAT", "fast", lambda: env.env_float("X_FLOAT", 1.0)),
    ("YTARCHIVE_PUBLISHED_AFTER", "last year", env.env_profile),
    ("YTARCHIVE_SPONSORBLOCK_MARK", "ads", env.env_profile),
    ("YTARCHIVE_SPONSORBLOCK_REMOVE", "poi_highlight", env.env_profile),
    ("YTARCHIVE_SLEEP_REQUESTS", "-1", env.env_profile),
    ("YTARCHIVE_NOTIFY_URLS", "json://127.0.0.1:9/ok nosuch://x",
     lambda: env.env_apprise_urls("YTARCHIVE_NOTIFY_URLS")),
])
def test_bad_values_name_the_variable(monkeypatch, name, value, call):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        call()


def test_good_values_and_defaults(monkeypatch):
    monkeypatch.setenv("X_INT", "7")
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    monkeypatch.delenv("X_MISSING", raising=False)
    assert env.env_int("X_INT", 1) == 7
    assert env.env_bool("X_BOOL", False) is True
    assert env.env_list("X_LIST", []) == ["a", "b", "c"]
    assert env.env_int("X_MISSING", 3) == 3


def test_the_global_profile_reads_every_option(monkeypatch):
    monkeypatch.setenv("YTARCHIVE_PUBLISHED_AFTER", "2024-02-28")
    monkeypatch.setenv("YTARCHIVE_SPONSORBLOCK_MARK", "sponsor,intro")
    monkeypatch.setenv("YTARCHIVE_SPONSORBLOCK_REMOVE", "selfpromo")
    monkeypatch.setenv("YTARCHIVE_SLEEP_REQUESTS", "0.75")
    profile = env.env_profile()
    assert (profile.published_after, profile.sponsorblock_mark, profile.sponsorblock_remove,
            profile.sleep_requests) == ("20240228", ("sponsor", "intro"), ("selfpromo",), 0.75)


def test_secret_from_file_and_generated_secret_is_kept(monkeypatch, tmp_path):
    secret_file = tmp_path / "s"
    secret_file.write_text("from-file\n")
    monkeypatch.setenv("MY_SECRET_FILE", str(secret_file))
    assert env.env_secret("MY_SECRET") == "from-file"
    monkeypatch.delenv("MY_SECRET_FILE")
    monkeypatch.delenv("MY_SECRET", raising=False)
    first = env.persistent_secret("MY_SECRET", tmp_path / "data")
    assert len(first) > 40
    assert env.persistent_secret("MY_SECRET", tmp_path / "data") == first
    assert oct((tmp_path / "data" / ".my_secret").stat().st_mode)[-3:] == "600"


def test_the_home_pacing_preset_sets_polite_defaults_each_still_overridable(monkeypatch):
    monkeypatch.setenv("YTARCHIVE_PACING", "home")
    monkeypatch.setenv("YTARCHIVE_SLEEP_MAX", "10")
    for name in ("YTARCHIVE_SLEEP_MIN", "YTARCHIVE_SLEEP_REQUESTS", "YTARCHIVE_DOWNLOADS_PER_SITE"):
        monkeypatch.delenv(name, raising=False)
    profile = env.env_profile()
    assert (profile.sleep_min, profile.sleep_max, profile.sleep_requests) == (5.0, 10.0, 1.0)
    assert env.pacing_default("YTARCHIVE_DOWNLOADS_PER_SITE") == 2
    monkeypatch.setenv("YTARCHIVE_PACING", "slow")
    with pytest.raises(ImproperlyConfigured, match="YTARCHIVE_PACING"):
        env.env_profile()
