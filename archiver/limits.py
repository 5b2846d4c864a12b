"""Bounds shared by settings, services and schedules: each defined once."""

MIN_SYNC_INTERVAL_HOURS = 0.02  # 72 s: beat's granularity is fine, the site's patience is not
MAX_SYNC_INTERVAL_HOURS = 24 * 365
