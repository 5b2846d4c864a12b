"""The worker <-> control messages parse strictly: an unknown or missing key is an error, not a default."""
import pytest

from archiver.download import Outcome
from archiver.messages import DownloadOptions, DownloadReport, DownloadRequest, MessageError
from archiver.vocabulary import FailureKind, OutcomeStatus, WorkerResult

OPTIONS = {"format": "best", "socket_timeout": 30, "http_retries": 3, "rate_limit": 0}
REQUEST = {"video_pk": 7, "channel_id": "c", "video_id": "v", "url": "http://x/v", "attempt": 2,
           "options": OPTIONS}


def test_request_round_trips():
    request = DownloadRequest.from_dict(REQUEST)
    assert request.options == DownloadOptions("best", 30.0, 3)
    assert DownloadRequest.from_dict(request.as_dict()) == request
    assert request.context == "channel=c video=v attempt=2"


@pytest.mark.parametrize("change, message", [
    ({"extra": 1}, "unknown key"),
    ({"attempt": "2"}, "attempt must be int"),
    ({"attempt": True}, "attempt must be int"),
    ({"video_pk": "7"}, "video_pk must be int"),
    ({"options": {**OPTIONS, "cookies": "x"}}, "unknown key"),
    ({"options": {"format": "best"}}, "missing key"),
    ({"options": "best"}, "options must be DownloadOptions"),
])
def test_request_refuses_what_it_does_not_know(change, message):
    with pytest.raises(MessageError, match=message):
        DownloadRequest.from_dict({**REQUEST, **change})


def test_missing_key_is_named():
    data = dict(REQUEST)
    del data["url"]
    with pytest.raises(MessageError, match=r"missing key\(s\) \['url'\]"):
        DownloadRequest.from_dict(data)


def test_report_round_trips_and_checks_its_enums():
    request = DownloadRequest.from_dict(REQUEST)
    report = Outcome(WorkerResult.FAILED, kind=FailureKind.TRANSIENT, reason="HTTP Error 503").report(request)
    assert (report.status, report.kind, report.attempt) == (OutcomeStatus.FAILED, FailureKind.TRANSIENT, 2)
    assert DownloadReport.from_dict(report.as_dict()) == report
    with pytest.raises(MessageError, match="status='done' is not one of"):
        DownloadReport.from_dict({**report.as_dict(), "status": "done"})
    with pytest.raises(ValueError):
        Outcome(WorkerResult.BUSY).report(request)
