from django.apps import AppConfig


class DemoConfig(AppConfig):
    # No verbose_name: the app has no models, so the admin never shows one.
    name = "demo"
