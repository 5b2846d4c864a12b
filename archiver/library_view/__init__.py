"""Library views for media servers (issue 26): a second tree of links into the archive, with the names
Jellyfin, Plex, Kodi and Emby document (or a user's template), kept up to date as the archive changes.

The archive's own tree (archiver.tree) stays the contract; a view only ever holds hard links (or symbolic
links, when asked) to its files, and the few files a server needs that the archive has no copy of (an
episode's ``.nfo`` with its season and episode, a playlist's ``.m3u8``). Pure naming lives in ``names``,
``template`` and ``layouts``; ``builder`` places the files and remembers which ones it made (a manifest
per channel and view), so a rebuild removes its own stale links and never touches anything else.
"""
