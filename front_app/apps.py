from django.apps import AppConfig


class FrontAppConfig(AppConfig):
    name = "front_app"
    verbose_name = "Web app and API"

    def ready(self) -> None:
        from front_app import feed_changes  # noqa: F401 - connects its receiver
