"""archiver.task_names and the tasks Celery has registered are the same set: no task is sent, routed or
scheduled by a name nobody declared, and no declared task has a name that is not kept there."""
from __future__ import annotations

from celery import current_app
from django.conf import settings

from archiver import task_names
from config import lanes

OURS = ("channels_app.", "downloads_app.", "tokens_app.", "search_app.")


def named() -> dict[str, str]:
    return {attr: value for attr, value in vars(task_names).items() if attr.isupper() and isinstance(value, str)}


def registered() -> set[str]:
    current_app.loader.import_default_modules()
    return {name for name in current_app.tasks if name.startswith(OURS)}


def test_every_name_is_a_registered_task_and_every_task_of_ours_is_named():
    names = set(named().values())
    assert len(names) == len(named())  # no name kept twice
    assert names - registered() == set(), "names in archiver.task_names that no task declares"
    assert registered() - names == set(), "tasks whose name archiver.task_names does not keep"


def test_names_are_the_ones_queued_messages_carry():
    """Renaming a task would strand messages already in Redis: the names are the functions' own paths."""
    for name in named().values():
        assert current_app.tasks[name].run.__module__ + "." + current_app.tasks[name].run.__name__ == name
    assert task_names.DOWNLOAD_VIDEO == "downloads_app.tasks.download_video"


def test_lanes_and_beat_name_only_kept_tasks():
    names = set(named().values())
    assert set(lanes.TASK_LANES) == names
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= names
