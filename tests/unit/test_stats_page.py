"""The stats page: downloads per day from the videos' timestamps, storage per channel from StatusCount, the
samples the maintenance lane takes (downloads_app.stats.take_sample) drawn over time, the disk's free space."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from channels_app.models import Channel, Video
from downloads_app import stats
from downloads_app.models import StatsSample

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    now = timezone.now()
    for cid, sizes in (("big", [3 * 1024**2, 1024**2]), ("small", [1024])):
        channel = Channel.objects.create(id=cid, url=f"https://example.org/{cid}", source_url="x", extractor="x",
                                         raw_id=cid, title=f"Channel {cid}")
        for n, size in enumerate(sizes):
            Video.objects.create(channel=channel, video_id=f"{cid}{n}", raw_id=f"{cid}{n}", url="https://x/v",
                                 status="archived", size_bytes=size, archived_at=now - timedelta(days=n))
    Video.objects.create(channel=channel, video_id="q", raw_id="q", url="https://x/v", status="queued")
    Video.objects.create(channel=channel, video_id="f", raw_id="f", url="https://x/v", status="failed",
                         failure_kind="transient", attempts=4)


def test_downloads_per_day_count_the_archived_videos_of_each_day(catalog):
    per_day = stats.downloads_per_day(7)
    assert len(per_day) == 7 and per_day[-1][0] == timezone.localdate()
    assert per_day[-1][1:] == (2, 3 * 1024**2 + 1024) and per_day[-2][1:] == (1, 1024**2)
    assert sum(n for _, n, _ in per_day[:-2]) == 0


def test_a_sample_holds_the_totals_and_old_samples_go(catalog, redis_client, settings):
    keep = settings.YTARCHIVE["STATS_KEEP_DAYS"]
    old = StatsSample.objects.create(taken_at=timezone.now() - timedelta(days=keep + 1))
    sample = stats.take_sample()
    assert (sample.archived, sample.archived_bytes, sample.queued, sample.failed, sample.dead_letters) == (
        3, 4 * 1024**2 + 1024, 1, 1, 1)
    assert sample.disk_free_bytes > 0 and sample.disk_size_bytes >= sample.disk_free_bytes
    assert not StatsSample.objects.filter(pk=old.pk).exists()


def test_the_page_draws_every_chart_with_its_data(catalog, reader, redis_client):
    for hours in (3, 2, 1):
        StatsSample.objects.create(taken_at=timezone.now() - timedelta(hours=hours), archived_bytes=hours * 1024**2,
                                   queued=hours, failed=1, disk_free_bytes=10 * 1024**3)
    page = reader.get("/stats/").content.decode()
    bars = re.search(r'<svg[^>]*id="chart-downloads".*?</svg>', page, re.S).group(0)
    assert bars.count('class="chart-bar"') == 30 and "<title>" in bars
    storage = re.search(r'<svg[^>]*id="chart-storage".*?</svg>', page, re.S).group(0)
    assert storage.count('class="chart-point"') == 4  # three samples and now
    per_channel = re.search(r'<svg[^>]*id="chart-per-channel".*?</svg>', page, re.S).group(0)
    assert per_channel.count('class="chart-bar"') == 2 and "Channel big: 4.0 MiB" in per_channel
    queue = re.search(r'<svg[^>]*id="chart-queue".*?</svg>', page, re.S).group(0)
    assert queue.count("data-series=") == 3
    assert 'id="disk-used"' in page and "free of" in page
    assert "<h2>Free space on the archive&#x27;s disk</h2>" in page and "&amp;#x27;" not in page  # escaped once
    assert '<a href="/stats/" aria-current="page">Stats</a>' in page


def test_the_stats_page_needs_an_account(client):
    assert client.get("/stats/").status_code == 302
