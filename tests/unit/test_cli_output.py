"""The CLI's pure parts: formatting, progress from old and new servers, the token file, argument errors."""
import stat

import pytest

from ytarchive_cli import config, output
from ytarchive_cli.client import CliError
from ytarchive_cli.main import build_parser


@pytest.mark.parametrize("n, text", [(None, "-"), (0, "0 B"), (1023, "1023 B"), (1536, "1.5 KiB"),
                                     (5 * 1024**3, "5.0 GiB")])
def test_sizes(n, text):
    assert output.size(n) == text


@pytest.mark.parametrize("s, text", [(None, "-"), (5, "0:05"), (125.4, "2:05"), (3725, "1:02:05")])
def test_durations(s, text):
    assert output.duration(s) == text


def test_progress_from_this_server_and_an_older_one():
    new = output.normalise_progress({"total": 3, "new": 0, "queued": 1, "downloading": 1, "retrying": 0,
                                     "archived": 1, "failed": 0, "in_flight": [{"video_id": "a"}], "sync": None})
    old = output.normalise_progress({"total": 3, "pending": 1, "processing": 1, "completed": 1, "failed": 0,
                                     "downloading": [{"video_id": "a"}]})
    assert new == old
    assert not output.settled(new)
    assert output.settled({**new, "queued": 0, "downloading": 0, "sync": {"status": "succeeded"}})


def test_table_aligns_columns():
    assert output.table([["a", "long value", "x"]], ["ID", "TITLE", "NOTE"]).splitlines() == [
        "ID  TITLE       NOTE", "a   long value  x"]


def test_retrying_note_says_when_and_which_attempt():
    note = output.video_note({"status": "retrying", "attempts": 1, "max_attempts": 4,
                              "next_attempt_at": "2026-01-01T14:05:00+00:00", "last_error": "HTTP Error 503"})
    assert note.startswith("retrying at ") and note.endswith("attempt 2 of 4: HTTP Error 503")


def test_token_file_is_private(tmp_path, monkeypatch):
    monkeypatch.setenv("YTARCHIVE_CONFIG_DIR", str(tmp_path / "conf"))
    path = config.save("http://h:1", "tok")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert config.resolve(None, None) == ("http://h:1", "tok")
    monkeypatch.setenv("YTARCHIVE_URL", "http://other:2/")
    monkeypatch.setenv("YTARCHIVE_TOKEN", "env-tok")
    assert config.resolve(None, None) == ("http://other:2", "env-tok")


def test_options_go_before_or_after_the_command():
    parser = build_parser()
    assert parser.parse_args(["--json", "list"]).json is True
    assert parser.parse_args(["list", "--json"]).json is True
    assert parser.parse_args(["--url", "http://a", "list"]).url == "http://a"
    with pytest.raises(CliError):
        parser.parse_args(["videos"])


def test_without_a_saved_server_the_cli_finds_the_one_on_this_machines_port(tmp_path, monkeypatch):
    monkeypatch.setenv("YTARCHIVE_CONFIG_DIR", str(tmp_path / "empty"))
    monkeypatch.delenv("YTARCHIVE_URL", raising=False)
    monkeypatch.setenv("PORT", "9123")
    assert config.resolve(None, None)[0] == "http://127.0.0.1:9123"
    monkeypatch.setenv("PORT", "not-a-port")
    assert config.resolve(None, None)[0] == "http://127.0.0.1:8000"
    monkeypatch.delenv("PORT")
    assert config.resolve(None, None)[0] == "http://127.0.0.1:8000"
