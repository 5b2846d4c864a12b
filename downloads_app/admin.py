"""Admin: videos, with the dead-letter list as a filter and a retry action.

The video model belongs to the catalog (channels_app); its admin lives here
because retrying is a download-side action.
"""
from django.contrib import admin, messages

from archiver.vocabulary import FailureKind, VideoStatus
from channels_app.models import Video
from downloads_app import queueing


class DeadLetterFilter(admin.SimpleListFilter):
    title = "dead letter"
    parameter_name = "dead_letter"

    def lookups(self, request, model_admin):
        return [("yes", "Retries ran out")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status=VideoStatus.FAILED, failure_kind=FailureKind.TRANSIENT)
        return queryset


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = ["video_id", "title", "channel", "status", "failure_kind", "attempts", "next_attempt_at",
                    "upload_date", "updated_at"]
    list_filter = ["status", "failure_kind", DeadLetterFilter, "tab"]
    search_fields = ["video_id", "title", "channel__id", "channel__title", "last_error"]
    readonly_fields = [f.name for f in Video._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False  # videos come from a sync's listing

    @admin.action(description="Retry the selected failed or retrying videos now")
    def retry(self, request, queryset):
        count = 0
        for video in queryset.filter(status__in=(VideoStatus.FAILED, VideoStatus.RETRYING)):
            queueing.retry_video(video)
            count += 1
        self.message_user(request, f"{count} video(s) requeued.", messages.SUCCESS)
