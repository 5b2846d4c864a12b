"""The one package that imports yt_dlp, one module per job (import the one you need).

* ``params``: the options the archiver sets on every YoutubeDL, and what a process shares (``configure``).
* ``listing``: what a URL is (``probe``) and a channel's entries, tab by tab (``iter_tabs``).
* ``pages``: a video's page without downloading (``video_info``, ``video_facts``).
* ``images``: a channel's avatar (``fetch_image``).
* ``downloading``: one video into a folder, laid out as the archive wants (``download``).
* ``comments_captions``: what a video's comments and automatic captions ask of yt-dlp, and fetching them.
* ``failures``: what a failure means (``classify``), and ``Skipped``.
* ``versions``: the yt-dlp versions on shared storage (reads files only: never imports yt_dlp).
* ``extractor_args``: yt-dlp's ``--extractor-args`` text, checked (pure, no yt_dlp either).

This file imports nothing: ``versions.activate`` must run before anything imports yt_dlp.
"""
