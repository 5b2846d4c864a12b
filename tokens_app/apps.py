from django.apps import AppConfig


class TokensAppConfig(AppConfig):
    name = "tokens_app"
    verbose_name = "API tokens"

    def ready(self):
        from tokens_app import schema  # noqa: F401  (names the Token scheme in the OpenAPI document)
