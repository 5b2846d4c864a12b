from django.apps import AppConfig


class FrontAppConfig(AppConfig):
    name = "front_app"
    verbose_name = "Web app and API"
