"""Migration channels_app 0018 renames the video table to the catalog's name and keeps every row and trigger."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("channels_app", "0017_metrics_damaged_index")]
AFTER = [("channels_app", "0018_video_table_in_catalog")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_rename_keeps_rows_and_status_counts(latest_schema_after):
    old = _migrate(BEFORE)
    assert "downloads_app_video" in connection.introspection.table_names()
    channel = old.get_model("channels_app", "Channel").objects.create(id="UCmig", url="https://example.test/c")
    old.get_model("channels_app", "Video").objects.create(channel=channel, video_id="vid00000001",
                                                          url="https://example.test/v", status="archived",
                                                          size_bytes=1234)
    new = _migrate(AFTER)
    tables = connection.introspection.table_names()
    assert "channels_app_video" in tables and "downloads_app_video" not in tables
    videos = new.get_model("channels_app", "Video").objects
    assert list(videos.values_list("video_id", "status", "size_bytes")) == [("vid00000001", "archived", 1234)]
    videos.create(channel_id="UCmig", video_id="vid00000002", url="https://example.test/w", status="new")
    counts = new.get_model("channels_app", "StatusCount").objects.filter(channel_id="UCmig")
    assert {(c.status, c.videos) for c in counts if c.videos} == {("archived", 1), ("new", 1)}  # triggers kept
