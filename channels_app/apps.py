from django.apps import AppConfig


class ChannelsAppConfig(AppConfig):
    name = "channels_app"
    verbose_name = "Channels"

    def ready(self):
        from django.conf import settings

        from archiver import tree
        from archiver.ytdlp import params
        from channels_app import library_views, signals  # noqa: F401  (keeps schedules in step with channels)

        library_views.connect()  # the media-server library views follow the archive's changes (issue 26)

        # Every process that runs yt-dlp checks each of its connections (archiver.netguard).
        params.protect(settings.YTARCHIVE["ALLOW_PRIVATE_URLS"])
        # ... and shares the PO-token server, impersonation and yt-dlp's cache (README "PO tokens ...").
        conf = settings.YTARCHIVE
        params.configure(params.Environment(pot_provider_url=conf["POT_PROVIDER_URL"],
                                          impersonate=conf["IMPERSONATE"], cache_dir=conf["YTDLP_CACHE_DIR"]))
        # The database and its -wal/-shm are private whoever made them (archiver.private_files).
        from django.db.backends.signals import connection_created

        from archiver.private_files import narrow_sqlite

        connection_created.connect(narrow_sqlite, dispatch_uid="ytarchive-private-sqlite")
        # Every process that writes into the archive writes it readable by a media server.
        tree.set_modes(settings.YTARCHIVE["FILE_MODE"], settings.YTARCHIVE["DIR_MODE"])
