from django.apps import AppConfig


class LibraryAppConfig(AppConfig):
    name = "library_app"
    verbose_name = "Library (per person)"
