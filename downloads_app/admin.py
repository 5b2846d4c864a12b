"""Admin: videos, with the dead-letter list as a filter and a retry action."""
from django.contrib import admin

from downloads_app import services
from downloads_app.models import Video


class DeadLetterFilter(admin.SimpleListFilter):
    title = "dead letter"
    parameter_name = "dead_letter"

    def lookups(self, request, model_admin):
        return [("yes", "Retries ran out")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status=Video.Status.FAILED, failure_kind=Video.FailureKind.TRANSIENT)
        return queryset


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = ["video_id", "title", "channel", "status", "failure_kind", "attempts", "upload_date"]
    list_filter = ["status", "failure_kind", DeadLetterFilter, "tab"]
    search_fields = ["video_id", "title", "channel__id", "channel__title", "last_error"]
    readonly_fields = [f.name for f in Video._meta.fields]
    actions = ["retry"]

    @admin.action(description="Retry the selected failed videos")
    def retry(self, request, queryset):
        count = 0
        for video in queryset.filter(status=Video.Status.FAILED):
            services.retry_video(video)
            count += 1
        self.message_user(request, f"{count} video(s) requeued.")
