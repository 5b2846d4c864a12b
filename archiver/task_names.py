"""Every Celery task's name, in one place: the declarations, the senders, the routes and beat use these.

The strings never change: messages already queued in Redis name their task by them, and must still
run after an upgrade. tests/unit/test_task_names.py checks that these and the registered tasks agree.
"""
DOWNLOAD_VIDEO = "downloads_app.tasks.download_video"
