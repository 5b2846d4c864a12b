"""Failures in plain words: yt-dlp's own error lines (as it words YouTube's refusals) -> reason, kind and hint."""
from datetime import UTC, date, datetime

import pytest

from archiver.failure_reasons import classify_text, explain, reason_of, ytdlp_release_date
from archiver.vocabulary import FailureKind, FailureReason

COOKIES = ("Use --cookies-from-browser or --cookies for the authentication. See  https://github.com/yt-dlp/yt-dlp/"
           "wiki/FAQ#how-do-i-pass-cookies-to-yt-dlp  for how to manually pass cookies. Also see  https://github.com/"
           "yt-dlp/yt-dlp/wiki/Extractors#exporting-youtube-cookies  for tips on effectively exporting YouTube cookies")
REPORT = ("please report this issue on  https://github.com/yt-dlp/yt-dlp/issues?q= , filling out the appropriate "
          "issue template. Confirm you are on the latest version using  yt-dlp -U")

# What yt-dlp 2026.10.26 says (after "ERROR: "), from its YouTube extractor's playabilityStatus handling.
WORDED = [
    (f"[youtube] dQw4w9WgXcQ: Sign in to confirm you\u2019re not a bot. {COOKIES}", FailureReason.BOT_CHECK,
     FailureKind.BLOCKED),
    ("[youtube] x: Sign in to confirm you're not a bot", FailureReason.BOT_CHECK, FailureKind.BLOCKED),
    ("[youtube] x: Video unavailable. YouTube is requiring a captcha challenge before playback",
     FailureReason.BOT_CHECK, FailureKind.BLOCKED),
    ("[youtube] x: This content isn't available, try again later. The current session has been rate-limited by "
     "YouTube for up to an hour. It is recommended to use `-t sleep` to add a delay between video requests",
     FailureReason.RATE_LIMITED, FailureKind.BLOCKED),
    ("[youtube] x: Unable to download API page: HTTP Error 429: Too Many Requests", FailureReason.RATE_LIMITED,
     FailureKind.BLOCKED),
    ("[youtube] x: This video is available to this channel's members on level: Fans (or any higher level). Join "
     "this channel to get access to members-only content like this video, and other exclusive perks.",
     FailureReason.MEMBERS_ONLY, FailureKind.PERMANENT),
    (f"[youtube] x: Private video. Sign in if you've been granted access to this video. {COOKIES}",
     FailureReason.PRIVATE, FailureKind.PERMANENT),
    ("[youtube] x: Video unavailable. This video has been removed by the uploader", FailureReason.REMOVED,
     FailureKind.PERMANENT),
    ("[youtube] x: Video unavailable. This video is no longer available because the YouTube account associated "
     "with this video has been terminated.", FailureReason.REMOVED, FailureKind.PERMANENT),
    ("[youtube] x: Video unavailable. This video is no longer available due to a copyright claim by Someone",
     FailureReason.REMOVED, FailureKind.PERMANENT),
    ("[fixturesite] vid-removed: Unable to download JSON metadata: HTTP Error 404: Not Found", FailureReason.REMOVED,
     FailureKind.PERMANENT),
    ("[youtube] x: The uploader has not made this video available in your country\nThis video is available in "
     "Germany.\nYou might want to use a VPN or a proxy server (with --proxy) to workaround.", FailureReason.GEO_BLOCKED,
     FailureKind.PERMANENT),
    (f"[youtube] x: Sign in to confirm your age. This video may be inappropriate for some users. {COOKIES}",
     FailureReason.AGE_RESTRICTED, FailureKind.PERMANENT),
    ("[youtube] x: Requested format is not available. Use --list-formats for a list of available formats",
     FailureReason.FORMAT_UNAVAILABLE, FailureKind.PERMANENT),
    (f"[youtube] x: An extractor error has occurred. (caused by KeyError('videoDetails')); {REPORT}",
     FailureReason.EXTRACTOR_BROKEN, FailureKind.TRANSIENT),
    (f"[youtube] x: Failed to extract any player response; {REPORT}", FailureReason.EXTRACTOR_BROKEN,
     FailureKind.TRANSIENT),
    ("[youtube] x: Signature extraction failed: Some formats may be missing", FailureReason.EXTRACTOR_BROKEN,
     FailureKind.TRANSIENT),
    ("unable to download video data: HTTP Error 403: Forbidden", FailureReason.FORBIDDEN, FailureKind.PERMANENT),
    ("refused to connect to '10.0.0.5' (private address): private addresses are fetched only when "
     "YTARCHIVE_ALLOW_PRIVATE_URLS allows them (true, or a list of addresses and networks)",
     FailureReason.ADDRESS_REFUSED, FailureKind.PERMANENT),
    ("[Errno 28] No space left on device", FailureReason.DISK_FULL, FailureKind.TRANSIENT),
    ("[fixturesite] vid-flaky: Unable to download JSON metadata: HTTP Error 503: Service Unavailable",
     FailureReason.NETWORK, FailureKind.TRANSIENT),
    ("Unable to download webpage: The read operation timed out", FailureReason.NETWORK, FailureKind.TRANSIENT),
    ("[generic] Unsupported URL: https://example.org/x", FailureReason.UNKNOWN, FailureKind.PERMANENT),
    ("something nobody has seen before", FailureReason.UNKNOWN, FailureKind.TRANSIENT),
]


@pytest.mark.parametrize("text, reason, kind", WORDED)
def test_each_cause_gets_its_reason_and_the_kind_that_decides_retries(text, reason, kind):
    assert classify_text(text) == (reason, kind)


def test_a_permanent_cause_is_never_retried_and_a_passing_one_is():
    # Geo blocks and age gates stay until the cookies or the egress change: retrying burns attempts for nothing.
    permanent = {FailureReason.MEMBERS_ONLY, FailureReason.PRIVATE, FailureReason.REMOVED, FailureReason.GEO_BLOCKED,
                 FailureReason.AGE_RESTRICTED, FailureReason.FORMAT_UNAVAILABLE}
    for text, reason, kind in WORDED:
        if reason in permanent:
            assert kind is FailureKind.PERMANENT, text
        if reason in (FailureReason.EXTRACTOR_BROKEN, FailureReason.NETWORK, FailureReason.DISK_FULL):
            assert kind is FailureKind.TRANSIENT, text  # a fixed yt-dlp or a calmer network: later it works


def test_every_reason_has_a_hint():
    for reason in FailureReason:
        text = next((t for t, r, _ in WORDED if r is reason), "")
        hint = explain("permanent", text).hint
        assert hint and "{" not in hint, reason


@pytest.mark.parametrize("text, words", [
    (WORDED[0][0], ["bot check", "cookies", "PO-token provider", "YTARCHIVE_EGRESS", "pause"]),
    (WORDED[5][0], ["members", "cookies", "retry"]),
    (WORDED[6][0], ["private", "Nothing to do", "archived before is kept"]),
    (WORDED[7][0], ["gone", "Nothing to do", "archived before is kept"]),
    (WORDED[11][0], ["country", "egress identity", "YTARCHIVE_EGRESS"]),
    (WORDED[12][0], ["adults", "cookies"]),
    (WORDED[13][0], ["formats", "channel's download options"]),
    (WORDED[14][0], ["Update yt-dlp", "ytarchive ytdlp update"]),
])
def test_hints_name_the_fix(text, words):
    hint = explain(classify_text(text)[1], text).hint
    for word in words:
        assert word in hint, (word, hint)


def test_a_bot_check_says_until_when_the_site_is_paused():
    until = datetime(2026, 12, 1, 11, 30, tzinfo=UTC)
    hint = explain("blocked", WORDED[0][0], "retrying", until=until).hint
    assert "paused until 2026-12-01 11:30 UTC" in hint and "no attempt" in hint
    # A video that found the site already paused keeps the pause's text: the time comes from it.
    waiting = "site 127.0.0.1 paused until 2026-12-01 11:45:00 UTC after a bot check: HTTP Error 429: Too Many"
    assert "paused until 2026-12-01 11:45 UTC" in explain("blocked", waiting, "retrying").hint
    assert reason_of("blocked", waiting) is FailureReason.RATE_LIMITED
    assert reason_of("blocked", "site x paused until 2026-12-01 11:45:00 UTC after a bot check: Sign in to "
                                "confirm you\u2019re not a bot") is FailureReason.BOT_CHECK
    assert reason_of("blocked", "") is FailureReason.BOT_CHECK  # a blocked row is a bot check unless it says otherwise


def test_an_old_ytdlp_is_named_with_its_age():
    assert ytdlp_release_date("2026.10.26") == date(2026, 10, 26)
    assert ytdlp_release_date("2026.10.26.233402") == date(2026, 10, 26)  # a nightly
    assert ytdlp_release_date("2026.13.40") is None and ytdlp_release_date("") is None
    hint = explain("transient", WORDED[14][0], "retrying", ytdlp_version="2026.10.26", today=date(2026, 12, 1)).hint
    assert "yt-dlp 2026.10.26 (released 2026-10-26, 36 days ago)" in hint and "tried again by itself" in hint
    assert "yt-dlp 1.0" in explain("transient", WORDED[14][0], ytdlp_version="1.0").hint


def test_what_happens_meanwhile_follows_the_row():
    text = WORDED[20][0]  # a 503
    assert "(HTTP 503)" in explain("transient", text, "retrying").hint
    assert explain("transient", text, "retrying").hint.endswith("It is tried again by itself.")
    dead = explain("transient", text, "failed").hint
    assert "retries are used up" in dead and "ytarchive retry" in dead
    assert "tried again" not in explain("permanent", WORDED[7][0], "failed").hint


def test_the_rules_file_is_checked_against_the_vocabulary(tmp_path):
    """failure_reasons.toml is data: a code or kind outside the vocabulary, or a reason without a rule,
    stops the import instead of going unseen."""
    from archiver.failure_reasons import _load_rules

    typo = tmp_path / "rules.toml"
    typo.write_text('[[reason]]\ncode = "bot_chek"\nkind = "blocked"\nsigns = ["captcha"]\nhint = "x"\n')
    with pytest.raises(ValueError, match="bot_chek"):
        _load_rules(typo)
    short = tmp_path / "short.toml"
    short.write_text('[[reason]]\ncode = "bot_check"\nkind = "blocked"\nsigns = ["captcha"]\nhint = "x"\n')
    with pytest.raises(ValueError, match="no rule for"):
        _load_rules(short)
