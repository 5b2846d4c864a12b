"""Every Redis key the archiver uses (the broker's own keys excepted), one module per key family.

Live state that is cheap to read and rebuildable from the database, or short-lived claims. Import the
family you need (``from archiver.state import site_slots``); nothing is re-exported here, and no module
outside this package names a key or holds a client (tests/unit/test_outside_things.py checks it).

* ``store``: the client (``connect``), ``ping``, and ``key()``, the one ``ytarchive:`` prefix.
* ``video_states``: each video's live state and its channel's counts (``vstate``, ``progress``).
* ``download_locks``: the per-video download lock and the leases that find dead workers.
* ``download_progress``: live byte counts of a download in flight.
* ``site_slots``: per-site download slots, a semaphore with leases.
* ``egress``: each egress identity's starts, pauses and signals, per site.
* ``deleted_channels``: channels deleted while downloads may still be queued.
* ``outcome_outbox``: reported outcomes, kept until the control side applied them.
* ``handbacks``: how often a download was handed back unfinished.
* ``cookie_copies``: cookies handed to download workers for a while.
* ``broker_queue``: what waits in Celery's own lists (read only).
* ``worker_presence``: download workers' liveness and the local scaler's wake-up.
* ``feeder``: the feeder's lease and nudges.
* ``task_leases``: leases on long control-side work (a fixity round, an import).
* ``ytdlp``: yt-dlp updates and the version each worker runs.
* ``login_throttle``: failed logins per address and user name (the web's).
* ``uploads_rewrite``: a rewrite of a channel's uploads.json on its way (debounced).
"""
