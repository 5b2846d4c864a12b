"""A small fixed catalog for the search tests (unit, API, CLI, browser): two channels, videos with titles,
descriptions, a German subtitle track with a phrase at second 4, and comments with a reply.
Rows are created directly (the text part fills them from yt-dlp; here they are the given)."""
from __future__ import annotations

from channels_app.models import Channel, Video
from text_app.models import Comment, Cue
from text_app.signals import video_text_changed

PHRASE = "Die Katze schläft auf dem Sofa"


def channel(cid: str, title: str) -> Channel:
    return Channel.objects.create(id=cid, url=f"https://example.org/{cid}", source_url=f"https://example.org/{cid}",
                                  extractor="generic", raw_id=cid, title=title)


def video(ch: Channel, vid: str, title: str, description: str = "", status: str = "archived") -> Video:
    return Video.objects.create(channel=ch, video_id=vid, raw_id=vid, url=f"https://example.org/watch/{vid}",
                                title=title, description=description, status=status, duration=60)


def build() -> dict:
    """The corpus; its rows by name."""
    one, two = channel("UCsearchOne", "Kanal Eins"), channel("UCsearchTwo", "Channel Two")
    v1 = video(one, "vidDE1", "Ein Tag mit der Katze", "Wir zeigen den Garten und das Haus.")
    v2 = video(one, "vidEN2", "Gardening basics", "Everything about tomatoes. Katze appears once.")
    v3 = video(two, "vidEN3", "Archive tour", "A tour of the archive room.")
    cues = [Cue(video=v1, lang="de", start=0.0, end=3.9, text="Hallo und willkommen"),
            Cue(video=v1, lang="de", start=4.0, end=7.5, text=PHRASE),
            Cue(video=v1, lang="de", start=8.0, end=10.0, text="Dann wacht sie auf und geht hinaus"),
            Cue(video=v3, lang="en", start=12.5, end=15.0, text="the archivist opens the archives"),
            Cue(video=v3, lang="en", start=20.0, end=22.0, text="tomatoes grow in <b>boxes</b> & pots")]
    Cue.objects.bulk_create(cues)
    comments = [Comment(video=v2, comment_id="Ugx1", author="ann", text="My tomatoes loved this"),
                Comment(video=v2, comment_id="Ugx1.r1", parent_id="Ugx1", author="bob",
                        text="Mine too, the archive of tips is great"),
                Comment(video=v3, comment_id="Ugx9", author="cy", text="Gardening is mentioned in the title elsewhere"),
                Comment(video=v1, comment_id="Ugx5", author="dee", text="Katze!")]
    Comment.objects.bulk_create(comments)
    for v in (v1, v2, v3):
        video_text_changed.send(sender=Cue, video_pk=v.pk)
    return {"one": one, "two": two, "v1": v1, "v2": v2, "v3": v3}
