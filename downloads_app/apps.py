from django.apps import AppConfig


class DownloadsAppConfig(AppConfig):
    name = "downloads_app"
    verbose_name = "Downloads"

    def ready(self):
        from downloads_app import worker_lifecycle  # noqa: F401  (idle exit of download workers)
