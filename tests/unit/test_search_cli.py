"""``ytarchive search``: the CLI against a live server of the app (pytest-django's live_server), one hit a
line with the time code of a subtitle, the filters passed on, a refusal said in one line with exit 1."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests import search_corpus
from tokens_app.service import issue
from ytarchive_cli import main as cli
from ytarchive_cli.search_commands import line, plain


@pytest.fixture
def server(live_server, transactional_db, monkeypatch, tmp_path):
    search_corpus.build()
    user = User.objects.create_user("alice", password="pw-alice-12345")
    monkeypatch.setenv("YTARCHIVE_TOKEN", issue(user).key)
    monkeypatch.setenv("HOME", str(tmp_path))  # no saved server or token of the machine's
    monkeypatch.delenv("YTARCHIVE_URL", raising=False)
    return live_server.url


def test_a_subtitle_hit_is_one_line_with_its_time_code(server, capsys):
    assert cli.run(["search", '"katze schläft"', "--url", server]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["UCsearchOne/vidDE1  0:04 de: Die *Katze schläft* auf dem Sofa", "1 hit, 1 shown"] or lines == [
        "UCsearchOne/vidDE1  0:04 de: Die *Katze* *schläft* auf dem Sofa", "1 hit, 1 shown"]


def test_the_kind_and_channel_options_filter(server, capsys):
    assert cli.run(["search", "archiv*", "--kind", "comment", "--url", server]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("UCsearchOne/vidEN2  comment Ugx1.r1: ") and out[-1] == "1 hit, 1 shown"
    assert cli.run(["search", "archiv*", "--channel", "UCsearchTwo", "--json", "--url", server]) == 0
    assert '"count": 3' in capsys.readouterr().out


def test_a_refusal_is_one_line_and_exit_1(server, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["search", "katze", "--channel", "UCnone", "--url", server])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("ytarchive: ") and "no channel 'UCnone'" in err and err.count("\n") == 1


def test_plain_text_of_a_snippet():
    assert plain("a &lt;b&gt; <mark>word</mark> &amp; more") == "a <b> *word* & more"
    assert line({"channel_id": "C", "video_id": "V", "kind": "subtitle", "start": 3.7, "lang": "de",
                 "snippet": "x\x1b[31m"}) == "C/V  0:03 de: x[31m"
