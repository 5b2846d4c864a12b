"""The API's enums as its schema names them: one stable, meaningful name per vocabulary (archiver.vocabulary).

drf-spectacular names an enum after the field that carries it, and falls back to names like
``Status0c4Enum`` when fields of one name carry different sets; a client generated from /api/schema/
would then get class names that change with unrelated fields. ``SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]``
(config/settings.py) points at the choice sets below: drf-spectacular matches a field's enum by its
(value, label) pairs, so each set here is exactly the one its fields declare: a list of words where a
serializer field uses it (labels are the words), a model field's own choices where the field comes from a model.
"""
from __future__ import annotations

from archiver.vocabulary import FailureReason, FixityStatus, FlightState, JobStatus, VideoStatus
from channels_app.models import Video

# Serializer fields declare these (front_app.api.channels, front_app.api.videos, front_app.api.imports).
JOB_STATUS = [str(s) for s in JobStatus]
SHOWN_STATUS = [*(str(s) for s in VideoStatus), str(FixityStatus.DAMAGED)]
FAILURE_REASON = [str(r) for r in FailureReason]
FLIGHT_STATE = [str(s) for s in FlightState]


def video_status() -> list[tuple[str, str]]:
    """``Video.status``: the stored statuses (``downloading`` lives in Redis only)."""
    return Video._meta.get_field("status").choices


def failure_kind() -> list[tuple[str, str]]:
    return Video._meta.get_field("failure_kind").choices


def fixity_status() -> list[tuple[str, str]]:
    return Video._meta.get_field("fixity_status").choices
