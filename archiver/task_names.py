"""Every Celery task's name, in one place: the declarations, the senders, the lanes and beat use these.

The strings never change: messages already queued in Redis name their task by them, and must still
run after an upgrade (they are the names Celery gave the functions: module path and function name).
A sender that must not import the task's app (the catalog never imports downloads_app) sends by name
from here. tests/unit/test_task_names.py checks that these and the registered tasks are the same set.
"""

# channels_app.tasks: the catalog's work (syncs, fixity, imports, notifications, upkeep)
SYNC_CHANNEL = "channels_app.tasks.sync_channel"
SCHEDULED_SYNC = "channels_app.tasks.scheduled_sync"
RECONCILE_SYNCS = "channels_app.tasks.reconcile_syncs"
BACKUP_DATABASE = "channels_app.tasks.backup_database"
WRITE_NFO_FILES = "channels_app.tasks.write_nfo_files"
BUILD_LIBRARY_VIEW = "channels_app.tasks.build_library_view"
NOTIFY_ROUND = "channels_app.tasks.notify_round"
SEND_NOTIFICATION = "channels_app.tasks.send_notification"
FIXITY_ROUND = "channels_app.tasks.fixity_round"
VERIFY_CHANNEL = "channels_app.tasks.verify_channel"
RUN_IMPORT = "channels_app.tasks.run_import"
PRUNE_HISTORY = "channels_app.tasks.prune_history"
REFRESH_PLAYLISTS = "channels_app.tasks.refresh_playlists"
REWRITE_UPLOADS_PLAYLIST = "channels_app.tasks.rewrite_uploads_playlist"

# search_app.tasks: the search index's rebuild
REINDEX_SEARCH = "search_app.tasks.reindex_search"

# downloads_app.tasks: downloads, their outcomes, the feeder, the scaler, yt-dlp updates
DOWNLOAD_VIDEO = "downloads_app.tasks.download_video"
RECORD_DOWNLOAD_OUTCOME = "downloads_app.tasks.record_download_outcome"
QUEUE_DOWNLOADS = "downloads_app.tasks.queue_downloads"
FEED_DOWNLOADS = "downloads_app.tasks.feed_downloads"
RECONCILE_WORKERS = "downloads_app.tasks.reconcile_workers"
RECONCILE_LEASES = "downloads_app.tasks.reconcile_leases"
HOUSEKEEPING = "downloads_app.tasks.housekeeping"
CHANGE_YTDLP = "downloads_app.tasks.change_ytdlp"
YTDLP_DAILY_CHECK = "downloads_app.tasks.ytdlp_daily_check"
TAKE_STATS_SAMPLE = "downloads_app.tasks.take_stats_sample"
