"""A resume the site refuses with 416 (seen when a worker stopped with its part already whole) must not be
tried again from the same part: archiver.download drops the part so the retry starts over."""
from archiver import download


def test_yt_dlps_416_message_drops_the_part():
    said = "unable to download video data: HTTP Error 416: Requested Range Not Satisfiable"
    assert download._RANGE_REFUSED.search(said)
    assert not download._RANGE_REFUSED.search("unable to download video data: HTTP Error 503: Service Unavailable")
