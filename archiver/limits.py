"""Bounds shared by settings, services and schedules: each defined once."""
from archiver.channel_options import SPECS

MIN_SYNC_INTERVAL_HOURS = 0.02  # 72 s: beat's granularity is fine, the site's patience is not
MAX_SYNC_INTERVAL_HOURS = 24 * 365

# Each numeric channel option's (least, most) value, as its spec declares it (archiver.channel_options).
OPTION_BOUNDS = {spec.name: spec.bounds for spec in SPECS if spec.bounds}


def bounded(low: float, high: float) -> dict:
    """Serializer keyword arguments for a number between ``low`` and ``high``, and a message naming them."""
    message = f"must be between {low} and {high}."
    return {"min_value": low, "max_value": high, "error_messages": {"min_value": message, "max_value": message}}
