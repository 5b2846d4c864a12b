"""downloads_app keeps no tables of its own: videos belong to the catalog (channels_app.models).

Its first migration created the video table; the catalog adopted it
(channels_app migration 0002), so existing archives keep their rows.
"""
