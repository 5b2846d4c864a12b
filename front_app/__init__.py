"""How the archive is shown: web pages, the REST API, podcast feeds, media over HTTP, health and metrics.

The domain lives in the apps below it (channels_app: the catalog; downloads_app: downloads; tokens_app:
API tokens) and in the Django-free core (archiver); nothing there imports this app.
"""
