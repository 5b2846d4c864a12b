"""RFC 9110 validators, preconditions and byte ranges of front_app.media.http_files, on plain values."""
from email.utils import formatdate
from types import SimpleNamespace

import pytest

from front_app.media.http_files import Answer, answer, etag, last_modified

MTIME = 1_700_000_000


def stat(inode: int = 1234, size: int = 1000):
    """What answer() reads of an os.stat_result."""
    return SimpleNamespace(st_ino=inode, st_size=size, st_mtime=MTIME + 0.25, st_mtime_ns=MTIME * 10**9 + 250_000_000)


STAT = stat()
TAG = etag(STAT)
DATE = formatdate(MTIME, usegmt=True)
EARLIER, LATER = formatdate(MTIME - 60, usegmt=True), formatdate(MTIME + 60, usegmt=True)


def test_validators_are_a_strong_tag_and_the_mtime():
    assert TAG.startswith('"') and TAG.endswith('"') and not TAG.startswith("W/")
    assert last_modified(STAT) == DATE == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert etag(stat(inode=1235)) != TAG != etag(stat(size=1001))  # a replaced file, a grown one


@pytest.mark.parametrize("headers, expected", [
    ({}, Answer(200, 0, 999)),
    ({"Range": "bytes=0-"}, Answer(206, 0, 999)),
    ({"Range": "bytes=10-19"}, Answer(206, 10, 19)),
    ({"Range": "bytes=990-5000"}, Answer(206, 990, 999)),
    ({"Range": "bytes=-100"}, Answer(206, 900, 999)),        # suffix
    ({"Range": "bytes=-5000"}, Answer(206, 0, 999)),         # suffix longer than the file
    ({"Range": "bytes=1000-"}, Answer(416)),
    ({"Range": "bytes=-0"}, Answer(416)),
    ({"Range": "bytes=1000-1100,2000-"}, Answer(416)),       # none satisfiable
    ({"Range": "bytes=0-1,5-6"}, Answer(200, 0, 999)),       # several: the whole file
    ({"Range": "bytes=50-10"}, Answer(200, 0, 999)),         # invalid: ignored
    ({"Range": "items=0-1"}, Answer(200, 0, 999)),           # another unit: ignored
    ({"Range": "bytes=abc"}, Answer(200, 0, 999)),
])
def test_ranges(headers, expected):
    assert answer("GET", headers, STAT) == expected


def test_a_head_or_another_method_ignores_range():
    assert answer("HEAD", {"Range": "bytes=0-9"}, STAT) == Answer(200, 0, 999)
    assert answer("HEAD", {"Range": "bytes=5000-"}, STAT) == Answer(200, 0, 999)


@pytest.mark.parametrize("headers, status", [
    ({"If-None-Match": TAG}, 304),
    ({"If-None-Match": f'"other", W/{TAG}'}, 304),           # weak comparison
    ({"If-None-Match": "*"}, 304),
    ({"If-None-Match": '"other"'}, 200),
    ({"If-None-Match": '"other"', "If-Modified-Since": LATER}, 200),  # If-Modified-Since ignored then
    ({"If-Modified-Since": DATE}, 304),
    ({"If-Modified-Since": LATER}, 304),
    ({"If-Modified-Since": EARLIER}, 200),
    ({"If-Modified-Since": "yesterday"}, 200),               # not a date: ignored
    ({"If-Match": TAG}, 200),
    ({"If-Match": "*"}, 200),
    ({"If-Match": '"other"'}, 412),
    ({"If-Match": f"W/{TAG}"}, 412),                          # strong comparison
    ({"If-Unmodified-Since": EARLIER}, 412),
    ({"If-Unmodified-Since": DATE}, 200),
    ({"If-Match": TAG, "If-Unmodified-Since": EARLIER}, 200),  # If-Unmodified-Since ignored then
])
def test_conditional_requests(headers, status):
    assert answer("GET", headers, STAT).status == status
    assert answer("HEAD", headers, STAT).status == status


def test_if_none_match_on_an_unsafe_method_fails_instead_of_304():
    assert answer("POST", {"If-None-Match": TAG}, STAT).status == 412
    assert answer("POST", {"If-Modified-Since": LATER}, STAT).status == 200


@pytest.mark.parametrize("if_range, expected", [
    (TAG, Answer(206, 10, 19)),
    ('"other"', Answer(200, 0, 999)),
    (f"W/{TAG}", Answer(200, 0, 999)),                       # a weak tag never matches
    (DATE, Answer(206, 10, 19)),
    (EARLIER, Answer(200, 0, 999)),                           # the date must be exact
    (LATER, Answer(200, 0, 999)),
    ("garbage", Answer(200, 0, 999)),
])
def test_if_range(if_range, expected):
    assert answer("GET", {"Range": "bytes=10-19", "If-Range": if_range}, STAT) == expected


def test_if_range_mismatch_never_gives_416():
    assert answer("GET", {"Range": "bytes=5000-", "If-Range": '"other"'}, STAT) == Answer(200, 0, 999)


def test_an_empty_file():
    empty = stat(size=0)
    assert answer("GET", {}, empty) == Answer(200, 0, -1) and Answer(200, 0, -1).length == 0
    assert answer("GET", {"Range": "bytes=0-"}, empty).status == 416
    assert answer("GET", {"Range": "bytes=-5"}, empty).status == 416
