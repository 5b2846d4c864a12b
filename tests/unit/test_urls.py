"""URL normalisation: every YouTube channel form, other sites, and junk."""
import pytest

from archiver import urls
from archiver.errors import UserError

UC = "UC" + "a" * 21 + "B"


@pytest.mark.parametrize("given", [
    f"https://www.youtube.com/channel/{UC}",
    f"http://youtube.com/channel/{UC}/",
    f"youtube.com/channel/{UC}/videos",
    f"https://m.youtube.com/channel/{UC}/shorts?view=0#top",
    f"  https://music.youtube.com/channel/{UC}  ",
])
def test_channel_id_forms_share_one_url_and_id(given):
    result = urls.normalise(given)
    assert result == urls.ChannelURL(f"https://www.youtube.com/channel/{UC}", "youtube", UC)


@pytest.mark.parametrize(("given", "expected"), [
    ("https://www.youtube.com/@SomeHandle", "https://www.youtube.com/@somehandle"),
    ("youtube.com/@SomeHandle/videos", "https://www.youtube.com/@somehandle"),
    ("https://www.youtube.com/c/SomeName", "https://www.youtube.com/c/SomeName"),
    ("https://www.youtube.com/c/SomeName/streams", "https://www.youtube.com/c/SomeName"),
    ("https://www.youtube.com/user/OldName", "https://www.youtube.com/user/OldName"),
    ("https://www.youtube.com/OldCustom", "https://www.youtube.com/c/OldCustom"),
    ("https://www.youtube.com/playlist?list=PL1234567890abcdef&si=x",
     "https://www.youtube.com/playlist?list=PL1234567890abcdef"),
    ("https://www.youtube.com/watch?v=abc&list=PL1234567890abcdef",
     "https://www.youtube.com/playlist?list=PL1234567890abcdef"),
])
def test_other_youtube_forms(given, expected):
    result = urls.normalise(given)
    assert result.url == expected and result.site == "youtube" and result.channel_id is None


@pytest.mark.parametrize(("given", "expected"), [
    ("https://vimeo.com/channels/staffpicks#frag", "https://vimeo.com/channels/staffpicks"),
    ("HTTP://Example.ORG:8080/feed.xml?a=1", "http://example.org:8080/feed.xml?a=1"),
    ("example.org", "https://example.org/"),
])
def test_other_sites_keep_their_url(given, expected):
    assert urls.normalise(given) == urls.ChannelURL(expected, "other")


@pytest.mark.parametrize(("given", "message"), [
    ("", "Give the URL"),
    ("   ", "Give the URL"),
    (None, "Give the URL"),
    ("not a url", "Not a URL"),
    ("ftp://example.org/x", "Only http and https"),
    ("javascript:alert(1)", "Not a URL"),
    ("https://", "no host"),
    ("http://[::1", "Not a valid URL"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "single video"),
    ("https://youtu.be/dQw4w9WgXcQ", "single video"),
    ("https://www.youtube.com/shorts/abc", "single video"),
    ("https://www.youtube.com/", "names no channel"),
    ("https://www.youtube.com/channel/notanid", "not a channel"),
    ("https://www.youtube.com/feed/subscriptions", "not a channel"),
    ("https://www.youtube.com/results", "not a channel"),
    ("https://www.youtube.com/playlist?list=x", "no valid list"),
    ("https://www.youtube.com/@handle/../../etc", "not a channel"),
])
def test_junk_is_refused_with_a_reason(given, message):
    with pytest.raises(UserError, match=message):
        urls.normalise(given)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/x", "http://localhost/x", "http://10.1.2.3/", "http://192.168.0.1/",
    "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://172.16.0.1/",
    "http://127.1/", "http://0x7f000001/", "http://2130706433/", "http://[::ffff:127.0.0.1]/",
    "http://0.0.0.0/", "http://[::]/", "http://224.0.0.1/", "http://240.0.0.1/", "http://[fe80::1]/",
])
def test_private_addresses_are_refused_unless_allowed(url):
    with pytest.raises(UserError, match="YTARCHIVE_ALLOW_PRIVATE_URLS"):
        urls.check_public(url, policy=False)
    urls.check_public(url, policy=True)


def test_unresolvable_host_is_a_user_error():
    with pytest.raises(UserError, match="Cannot resolve"):
        urls.check_public("http://no-such-host.invalid/", policy=False)
