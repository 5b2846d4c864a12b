"""Upstream text: which title wins (pure), XML that parses whatever the text, a terminal that is never driven.

tests/integration/test_upstream_text.py follows the same text through a real sync and download.
"""
import json
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.test import Client

from archiver import nfo
from archiver.messages import DownloadRequest
from archiver.upstream_text import best_title, page_title, url_file_stem, xml_text
from channels_app.models import Channel, Video
from front_app import feeds
from tokens_app.service import issue
from ytarchive_cli import output

HOSTILE = "<script>x</script> ]]> {{ x }} {% x %} \u202eevil\u202c \u2066i\u2069 & \"q\""
NOT_XML = "a\x00b\x0bc\x1fd\ufffee\ud800f"  # none of \x00 \x0b \x1f U+FFFE or a lone surrogate is XML 1.0
NOT_XML_STORED = "a\x01b\x0bc\x1fd\ufffee\uffff"  # what a database stores (no lone surrogate)


def test_a_file_name_is_never_a_title():
    url = "http://h/media/ep-000_x.mp4?sig=1"
    assert url_file_stem(url) == "ep-000_x"
    assert page_title({"title": "ep-000_x", "extractor_key": "Generic"}, url) == ""
    assert page_title({"title": "ep-000_x", "extractor_key": "Other"}, url) == ""  # the URL's file name
    assert page_title({"title": "v1", "id": "v1", "extractor_key": "Other"}, "http://h/watch?v=v1") == ""
    assert page_title({"title": "The real one", "extractor_key": "Youtube"}, url) == "The real one"
    assert best_title("Listed", "") == "Listed" and best_title("Listed", "Page's") == "Page's"


def test_xml_text_drops_only_what_xml_cannot_carry():
    assert xml_text(NOT_XML) == "abcdef"
    assert xml_text(HOSTILE + "\t\n\r\u0085\U0001f600") == HOSTILE + "\t\n\r\u0085\U0001f600"


def test_nfo_parses_and_carries_hostile_text_exactly():
    document = nfo.video_nfo({"title": HOSTILE + NOT_XML, "description": HOSTILE, "id": "v"})
    root = ET.fromstring(document.encode())
    assert root.findtext("title") == HOSTILE + "abcdef" and root.findtext("plot") == HOSTILE


def test_cli_output_strips_control_and_bidi_characters_and_json_escapes_them():
    title = "ok\x1b[2J\u009b31m\u202eevil\u2066\x07\tend\nnext"
    assert output.printable(title) == "ok[2J31mevil\tend\nnext"
    text = output.as_json({"title": title})
    assert output.printable(text) == text  # nothing left for a terminal to obey
    assert json.loads(text) == {"title": title}  # and a program reads the exact text


def test_the_download_message_carries_the_listing_text():
    request = DownloadRequest.from_dict({"video_pk": 1, "channel_id": "c", "video_id": "v", "url": "u", "attempt": 1,
                                         "options": {"format": "b", "socket_timeout": 1, "http_retries": 1,
                                                     "rate_limit": 0},
                                         "title": HOSTILE, "description": "d"})
    assert request.title == HOSTILE and DownloadRequest.from_dict(request.as_dict()) == request


@pytest.mark.django_db
def test_feed_and_opml_parse_whatever_the_text(settings, tmp_path):
    settings.ARCHIVE_ROOT = str(tmp_path)
    channel = Channel.objects.create(id="site-h", url="https://example.org/h", title=HOSTILE + NOT_XML_STORED,
                                     description=HOSTILE, uploader=NOT_XML_STORED)
    Video.objects.create(channel=channel, video_id="v1", raw_id="v1", url="https://example.org/v1",
                         title=HOSTILE + NOT_XML_STORED, description=NOT_XML_STORED + HOSTILE, status="archived",
                         video_file="video.mp4")
    answer = Client().get(f"/feeds/site-h.xml?token={feeds.token_of(channel)}")
    assert answer.status_code == 200, answer.content[:300]
    rss = ET.fromstring(answer.content)
    assert rss.findtext("channel/title") == HOSTILE + "abcde"
    assert rss.findtext("channel/item/title") == HOSTILE + "abcde"
    assert rss.findtext("channel/item/description") == "abcde" + HOSTILE
    user = User.objects.create_user("reader", password="pw-reader-123")
    opml = Client(HTTP_AUTHORIZATION=f"Token {issue(user).key}").get("/api/feeds.opml")
    assert opml.status_code == 200
    assert [o.get("title") for o in ET.fromstring(opml.content).iter("outline")] == [HOSTILE + "abcde"]
