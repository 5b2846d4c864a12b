"""A download folder laid out for the archive, also one resumed after a kill late in the last attempt."""
from archiver import tree
from archiver.ytdlp.downloading import _lay_out


def test_a_resumed_folder_with_the_last_attempts_nfo_is_laid_out(tmp_path):
    """Killed after writing video.nfo and before the rename: the next attempt finds the NFO beside the media
    and still knows which file is the video (it failed every retry with 'expected one video file')."""
    (tmp_path / "video.mp4").write_bytes(b"media")
    (tmp_path / tree.INFO_FILE).write_text("{}")
    (tmp_path / tree.NFO_FILE).write_text("<episodedetails/>")
    result = _lay_out(tmp_path, {"title": "A video", "duration": 3}, "http://127.0.0.1/watch/v")
    assert result.video_file == "video.mp4"
    assert result.duration == 3.0


def test_a_resumed_folder_with_a_half_written_info_json_is_laid_out(tmp_path):
    """Killed while yt-dlp wrote video.info.json (through a temp name): its leftover is no second video
    file (every retry failed with "expected one video file, found ['video.info.json.v6squv2v.tmp', ...]")."""
    (tmp_path / "video.mp4").write_bytes(b"media")
    (tmp_path / tree.INFO_FILE).write_text("{}")
    (tmp_path / "video.info.json.v6squv2v.tmp").write_text('{"id": ')
    result = _lay_out(tmp_path, {"title": "A video"}, "http://127.0.0.1/watch/v")
    assert result.video_file == "video.mp4"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["video.info.json", "video.mp4"]
