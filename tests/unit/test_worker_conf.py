"""config.worker_conf: what ``celery inspect conf`` (Flower's worker page) may show."""
from config.worker_conf import MASK, celery_settings, redact


def test_every_url_password_is_masked_wherever_it_is():
    value = {"a": "redis://:s3cret@127.0.0.1:6379/0", "b": ["http://user:pw@proxy:3128", "json://host/x"],
             "c": ("socks5://u:p@h:1",), "d": 3}
    assert redact(value) == {"a": f"redis://:{MASK}@127.0.0.1:6379/0", "b": [f"http://user:{MASK}@proxy:3128",
                                                                             "json://host/x"],
                             "c": [f"socks5://u:{MASK}@h:1"], "d": 3}


def test_only_celerys_settings_are_shown():
    table = {"CELERY_BROKER_URL": "redis://x", "REDIS_URL": "redis://y", "YTARCHIVE": {"NOTIFY_URLS": ["z"]},
             "CACHES": {}, "broker_url": "redis://x", "__module__": "m"}
    assert celery_settings(table) == {"CELERY_BROKER_URL": "redis://x", "broker_url": "redis://x"}
