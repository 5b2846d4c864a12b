"""The VTT parser: rolling automatic captions become one cue per spoken line; a person's cues stay as written."""
import pytest

from tests.fixture_site import talk
from text_app.vtt_cues import parse, raw_cues


@pytest.mark.parametrize("lang", talk.AUTO_LANGS)
def test_rolling_captions_give_each_spoken_line_once_from_when_it_was_first_said(lang):
    cues = parse(talk.auto_caption_text(lang))
    assert [(c.start, c.text) for c in cues] == talk.auto_caption_lines(lang)
    assert all(c.end > c.start for c in cues)
    assert len(raw_cues(talk.auto_caption_text(lang))) == 2 * len(cues)  # each line in two or three cues


def test_a_persons_subtitles_keep_their_cues_and_times():
    cues = parse(talk.manual_de_text())
    assert [(c.start, c.end, c.text) for c in cues] == [
        (0.5, 3.0, "Willkommen zu unserem kleinen Vortrag"), (3.5, 6.0, talk.TALK_PHRASE),
        (7.0, 10.0, "Mehr darüber im nächsten Video")]


def test_lines_of_one_cue_join_tags_and_entities_go_and_hours_count():
    text = ("WEBVTT\n\nNOTE a note\n\nSTYLE\n::cue { color: red }\n\n"
            "01:00:01,250 --> 01:00:02.000 line:0\n<v Anna>Hello &amp; <i>welcome</i>\nsecond line\n\n"
            "01:00:03.000 --> 01:00:04.000\nHello &amp; welcome\n")
    cues = parse(text)
    assert [(c.start, c.text) for c in cues] == [(3601.25, "Hello & welcome second line"),
                                                 (3603.0, "Hello & welcome")]  # not touching: said again


def test_nothing_readable_is_no_cue():
    assert parse("") == [] and parse("WEBVTT\n\n00:01.000 --> 00:00.500\nbackwards\n\nnot a cue\n") == []
