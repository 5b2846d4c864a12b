"""A library to look at and to test the grid against: two channels of rows made by hand in the running app.

A sync of the fixture site gives real rows but not every case a person meets (a 300-character title, a damaged
copy, a video with no date, a thumbnail missing from disk, twelve million views), and not in a fixed order.
``seed`` copies the fixture site's real media (mp4, jpeg thumbnails, subtitles, an avatar as poster.jpg) into
the app's archive and writes the rows through the app's own models (``manage.py shell`` in the app's
environment: its database, its triggers), so the pages under test are the ones a person sees.

The rows are out of the way of the running workers: archived ones carry a fresh fixity check, the others are
failed for good or only listed, and the channels were "just synced", so no schedule, feeder or fixity round
touches them during a test.
"""
from __future__ import annotations

import shutil
from pathlib import Path

CHANNEL = "look-workshop"
QUIET_CHANNEL = "look-quiet"
LONG_TITLE = ("A very long title, as some channels write them, to see that a card stays two lines high whatever "
              "the uploader typed: restoring, sharpening, oiling and finally using a 1962 lathe, with every "
              "mistake made along the way, the parts that had to be ordered twice, and a short tour of the shop")
# video id, title, seconds, upload day, views, status, damaged, fixture media (None: no files at all)
ROWS = [
    ("look-01", "Building a cedar-strip canoe, part 1", 3723, "20250312", 128_400, "archived", False, "vid-main-01"),
    ("look-02", LONG_TITLE, 845, "20250301", 5_400, "archived", False, "vid-main-02"),
    ("look-03", "Restoring a 1962 lathe", 1325, "20250220", 980, "archived", True, "vid-main-03"),
    ("look-04", "Sharpening chisels: the short version", 140, "20250210", 12_000_000, "archived", False, "nothumb"),
    ("look-05", "Members-only: a tour of the workshop", 600, "", None, "failed", False, None),
    ("look-06", "Shop vlog #12", 512, "20250105", 3_300, "new", False, None),
    ("look-07", "Hand-cut dovetails in ten minutes", 611, "20241220", 45_000, "archived", False, "vid-main-04"),
    ("look-08", "Oiling a workbench top", 95, "20241201", 800, "archived", False, "vid-main-05"),
    ("look-09", "Why I stopped using a table saw", 1804, "20241115", 310_000, "archived", False, "vid-main-06"),
]
# More channels for the home page to look like a library: id, title, fixture avatar (None: none), videos as
# (video id, title, seconds, day, views, fixture media). Their days are older than the workshop's.
MORE_CHANNELS = [
    ("look-field", "Field Recordings", "chan-slow", [
        ("look-f1", "Dawn chorus in a beech wood", 1260, "20241102", 21_000, "vid-main-07"),
        ("look-f2", "Rain on a tin roof, two hours", 7200, "20241010", 1_250_000, "vid-main-08")]),
    ("look-sky", "Night Sky Timelapses", "chan-members", [
        ("look-s1", "The Perseids over the Alps", 312, "20240812", 88_000, "vid-short-01"),
        ("look-s2", "Milky Way core, 4 hours in 3 minutes", 185, "20240705", 402_000, "vid-short-02")]),
    ("look-kitchen", "Slow Kitchen", None, [
        ("look-k1", "Sourdough from scratch", 1540, "20240601", 9_800, "vid-short-03")]),
]
MEMBERS_ERROR = ("ERROR: [youtube] look-05: Join this channel to get access to members-only content like this "
                 "video, and other exclusive perks.")


def _copy_files(archive_root: Path, media: dict) -> None:
    from archiver import tree

    for vid, _title, _s, _day, _views, _status, _damaged, source in ROWS:
        if source is None:
            continue
        folder = tree.video_dir(archive_root, CHANNEL, vid)
        (folder / "subtitles").mkdir(parents=True, exist_ok=True)
        files = media["videos"]["vid-main-07" if source == "nothumb" else source]
        shutil.copyfile(files["mp4"], folder / "video.mp4")
        shutil.copyfile(files["subtitles"]["en"], folder / "subtitles" / "en.vtt")
        if source != "nothumb":
            shutil.copyfile(files["thumbnail"], tree.thumbnail_file(folder))
    shutil.copyfile(media["avatars"]["chan-main"], tree.poster_path(archive_root, CHANNEL))
    for channel_id, _title, avatar, videos in MORE_CHANNELS:
        for vid, _t, _s, _d, _v, source in videos:
            folder = tree.video_dir(archive_root, channel_id, vid)
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(media["videos"][source]["mp4"], folder / "video.mp4")
            shutil.copyfile(media["videos"][source]["thumbnail"], tree.thumbnail_file(folder))
        if avatar:
            shutil.copyfile(media["avatars"][avatar], tree.poster_path(archive_root, channel_id))


def create_rows() -> None:
    """Run inside the app (``manage.py shell -c``): the two channels and their videos, made again from scratch."""
    from django.utils import timezone

    from channels_app.models import Channel, Video

    Channel.objects.filter(pk__in=[CHANNEL, QUIET_CHANNEL, *(c[0] for c in MORE_CHANNELS)]).delete()
    now = timezone.now()
    workshop = Channel.objects.create(id=CHANNEL, url="https://www.youtube.com/@lookworkshop", source_url="x",
                                      extractor="youtube:tab", raw_id="UClookworkshop", title="The Look Workshop",
                                      last_synced_at=now)
    Channel.objects.create(id=QUIET_CHANNEL, url="https://www.youtube.com/@lookquiet", source_url="x",
                           extractor="youtube:tab", raw_id="UClookquiet", title="Quiet Corner", last_synced_at=now)
    for vid, title, seconds, day, views, status, damaged, source in ROWS:
        archived = status == "archived"
        Video.objects.create(
            channel=workshop, video_id=vid, raw_id=vid, url=f"https://www.youtube.com/watch?v={vid}", title=title,
            duration=seconds, upload_date=day, view_count=views, status=status,
            video_file="video.mp4" if archived else "", size_bytes=5_000_000 if archived else None,
            subtitles=["en"] if archived else [], archived_at=now if archived else None,
            failure_kind="permanent" if status == "failed" else "", attempts=1 if status == "failed" else 0,
            last_error=MEMBERS_ERROR if status == "failed" else "",
            fixity_status=("damaged" if damaged else "ok") if archived else "",
            fixity_checked_at=now if archived else None,
            fixity_problems=["video.mp4: its sha256 differs from checksums.sha256"] if damaged else [])
    _words_said(Video.objects.get(channel=workshop, video_id="look-01"), now)
    for channel_id, title, _avatar, videos in MORE_CHANNELS:
        channel = Channel.objects.create(id=channel_id, url=f"https://www.youtube.com/@{channel_id}", source_url="x",
                                         extractor="youtube:tab", raw_id=f"UC{channel_id}", title=title,
                                         last_synced_at=now)
        for vid, video_title, seconds, day, views, _source in videos:
            Video.objects.create(channel=channel, video_id=vid, raw_id=vid, url=f"https://www.youtube.com/watch?v={vid}",
                                 title=video_title, duration=seconds, upload_date=day, view_count=views,
                                 status="archived", video_file="video.mp4", size_bytes=80_000_000, archived_at=now,
                                 fixity_status="ok", fixity_checked_at=now)


# The canoe video's English subtitles (start, end, text) and comments (id, parent, author, text, likes, pinned):
# what the search page and the video page's threads show.
CUES = [(1.0, 4.0, "Today we start the cedar-strip canoe with the forms."),
        (4.0, 9.5, "Each cedar strip is ripped to a quarter inch and bead-and-coved."),
        (62.0, 66.0, "Glue every strip to the one below it, never to the forms.")]
COMMENTS = [
    ("Ugw-look-1", "", "@lookworkshop", "Part 2 (fibreglass) is up next week. The plans are linked above.", 48, True),
    ("Ugw-look-2", "", "@paddler", "Which cedar did you use? Western red or white?", 31, False),
    ("Ugw-look-2.r1", "Ugw-look-2", "@lookworkshop", "Western red cedar, from a local mill.", 12, False),
    ("Ugw-look-2.r2", "Ugw-look-2", "@paddler", "Thanks, same here. Mine came out 2 lb lighter.", 3, False),
    ("Ugw-look-3", "", "@steamer", "Steaming the stems took me three tries too.", 9, False),
]


def _words_said(video, now) -> None:
    from datetime import timedelta

    from text_app.models import Comment, Cue

    Cue.objects.bulk_create([Cue(video=video, lang="en", start=a, end=b, text=t) for a, b, t in CUES])
    Comment.objects.bulk_create([
        Comment(video=video, comment_id=cid, parent_id=parent, author=author, text=text, like_count=likes,
                pinned=pinned, published_at=now - timedelta(days=30 - n)) for n, (cid, parent, author, text, likes,
                                                                                pinned) in enumerate(COMMENTS)])


def seed(stack, archive_root: Path, media: dict) -> None:
    """Both channels in the running app, with their files in its archive."""
    stack.manage("shell", "-c", "from tests.browser.library_data import create_rows; create_rows()")
    _copy_files(archive_root, media)


def order_on_page(page) -> list[str]:
    """The video ids of the grid's cards, in the order shown."""
    return page.locator("#videos [data-video]").evaluate_all("cards => cards.map(c => c.dataset.video)")


PEOPLE = [("maria", "editor", True), ("jonas-the-younger", "viewer", True), ("old-laptop", "viewer", False)]


def create_history() -> None:
    """Run inside the app: a month of history for the stats page (the screenshots' library, not the tests'):
    the archived videos spread over the last days, a StatsSample every six hours growing towards now, and a
    few people besides the owner for the People page."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from tokens_app.roles import set_role

    for name, role, active in PEOPLE:
        person, _ = get_user_model().objects.get_or_create(username=name)
        person.is_active, person.last_login = active, timezone.now() - timedelta(days=len(name))
        person.save()
        set_role(person, role)

    from channels_app.models import Video
    from downloads_app.models import StatsSample
    from downloads_app.stats import totals

    now = timezone.now()
    archived = Video.objects.filter(channel_id__in=[CHANNEL, *(c[0] for c in MORE_CHANNELS)], status="archived")
    for n, video in enumerate(archived.order_by("video_id")):
        Video.objects.filter(pk=video.pk).update(archived_at=now - timedelta(days=(n * 3) % 26, hours=n))
    StatsSample.objects.all().delete()
    end = totals()  # the lines grow towards the page's last point, which is now
    steps = 30 * 4
    for step in range(steps + 1):
        share = step / steps
        wave = (step * 7) % 5
        StatsSample.objects.create(
            taken_at=now - timedelta(hours=6 * (steps - step + 1)), videos=int(end["videos"] * (0.4 + 0.6 * share)),
            archived=int(end["archived"] * share), archived_bytes=int(end["archived_bytes"] * share),
            queued=max(0, 12 - step // 8) + wave, downloading=min(6, wave + 1) if step % 3 else 0,
            retrying=int(step % 4 == 0), failed=1 + step // 60, dead_letters=step // 90,
            disk_free_bytes=end["disk_free_bytes"] and int(end["disk_free_bytes"] * (1.15 - 0.15 * share)),
            disk_size_bytes=end["disk_size_bytes"])
