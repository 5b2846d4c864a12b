"""Admin: channels (with a sync action) and their sync jobs, browsable and searchable."""
from django.contrib import admin, messages
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from archiver.errors import ConflictError
from channels_app import services
from channels_app.models import Channel, SyncJob
from channels_app.schedules import TASK_PREFIX


class SyncJobInline(admin.TabularInline):
    model = SyncJob
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["id", "status", "full", "trigger", "attempts", "created_at", "heartbeat_at", "finished_at",
              "videos_seen", "videos_new", "videos_queued", "error"]
    readonly_fields = fields
    ordering = ["-created_at"]


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "extractor", "enabled", "sync_interval_hours", "last_synced_at"]
    list_editable = ["enabled", "sync_interval_hours"]
    list_filter = ["enabled", "extractor"]
    search_fields = ["id", "title", "url", "source_url", "uploader"]
    readonly_fields = ["id", "url", "source_url", "extractor", "raw_id", "title", "description",
                       "uploader", "thumbnail_url", "created_at", "updated_at", "last_synced_at",
                       "last_full_index_at"]
    inlines = [SyncJobInline]
    actions = ["sync_now", "full_sync_now"]

    def has_add_permission(self, request):
        return False  # adding resolves the URL through yt-dlp: use the API

    def _sync(self, request, queryset, full):
        started = []
        for channel in queryset:
            try:
                services.request_sync(channel, full=full, trigger="admin")
                started.append(str(channel))
            except ConflictError as exc:
                self.message_user(request, str(exc), messages.WARNING)
        if started:
            kind = "Full sync" if full else "Sync"
            self.message_user(request, f"{kind} queued for {len(started)} channel(s): {', '.join(started)}.",
                              messages.SUCCESS)

    @admin.action(description="Sync now (incremental)")
    def sync_now(self, request, queryset):
        self._sync(request, queryset, full=False)

    @admin.action(description="Full sync now")
    def full_sync_now(self, request, queryset):
        self._sync(request, queryset, full=True)


@admin.register(SyncJob)
class SyncJobAdmin(admin.ModelAdmin):
    list_display = ["id", "channel", "status", "full", "trigger", "attempts", "created_at", "heartbeat_at",
                    "finished_at", "videos_seen", "videos_new", "videos_queued"]
    list_filter = ["status", "full", "trigger"]
    search_fields = ["channel__id", "channel__title", "error"]
    readonly_fields = [f.name for f in SyncJob._meta.fields]


class PeriodicTaskWithoutChannelSyncs(PeriodicTaskAdmin):
    """django-celery-beat's admin, minus the channels' own syncs.

    Those tasks are derived from each channel (channels_app.schedules): edit a
    channel's interval and schedule on the channel, so the two never drift.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(name__startswith=TASK_PREFIX)


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, PeriodicTaskWithoutChannelSyncs)
