from django.apps import AppConfig


class TextAppConfig(AppConfig):
    name = "text_app"
    verbose_name = "Words said (subtitle cues and comments)"

    def ready(self):
        from text_app import receivers  # noqa: F401  (connects to the history refresh's signal)
