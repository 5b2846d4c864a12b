"""Bounds shared by settings, services and schedules: each defined once."""

MIN_SYNC_INTERVAL_HOURS = 0.02  # 72 s: beat's granularity is fine, the site's patience is not
MAX_SYNC_INTERVAL_HOURS = 24 * 365

# Each numeric channel option's (least, most) value: the API, the web form (validated by the API's
# serializer) and the CLI take nothing outside them, so no value reaches the database that it cannot
# store (SQLite's integers end at 2**63-1) or that yt-dlp would misread.
OPTION_BOUNDS = {
    "max_height": (1, 8640),
    "sleep_min": (0, 3600),
    "sleep_max": (0, 3600),
    "sleep_requests": (0, 600),
    "rate_limit": (0, 10**12),  # bytes/s: a terabyte a second is no limit at all
    "max_concurrent": (1, 1000),
    "newest_n": (1, 1_000_000),
}


def bounded(name: str) -> dict:
    """Serializer keyword arguments for option ``name``: its bounds, and a message naming them."""
    low, high = OPTION_BOUNDS[name]
    message = f"must be between {low} and {high}."
    return {"min_value": low, "max_value": high, "error_messages": {"min_value": message, "max_value": message}}
