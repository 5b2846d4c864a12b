"""Offline fake video site (catalog, ffmpeg-made media, HTTP server) for yt-dlp based tests.

The matching yt-dlp extractors live in ``tests/ytdlp_plugins`` (outside this package on purpose:
yt-dlp must import them as ``yt_dlp_plugins.extractor.*``).
"""
