"""What changed in the archive, announced for whoever keeps something derived from it (issue 26).

The catalog and the downloads send these after the change is on disk and in the database; receivers
(the media-server library views, for one) must never fail the sender's work, so they log and carry on.
Every signal is sent with ``channel_id``; the video ones with ``video_id`` too.
"""
from django.dispatch import Signal

# A video's folder was published (a first download or a re-download): channel_id, video_id.
video_published = Signal()
# A video's folder left the archive (deleted, or its channel deleted): channel_id, video_id.
video_removed = Signal()
# A video's title (or another field that names its files in a view) changed: channel_id, video_id.
video_renamed = Signal()
# A channel's own files changed (tvshow.nfo, poster.jpg, banner.jpg, its name): channel_id.
channel_files_changed = Signal()
# Playlist files were written under the channel's playlists/ folder: channel_id, playlist_ids (list[str]).
playlists_written = Signal()
