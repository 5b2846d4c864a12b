"""Admin: channels (with a sync action, their options and cookies) and their sync jobs, browsable and searchable."""
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.validators import MaxValueValidator, MinValueValidator
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from archiver import channel_options, cookies
from archiver.errors import ConflictError, UserError
from channels_app import channel_cookies, services
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


class ChannelForm(forms.ModelForm):
    """The channel's fields, its SponsorBlock categories checked as the API checks them, and its cookies."""

    cookies_file = forms.FileField(required=False, help_text="A cookies.txt (Netscape format) for members-only "
                                   "and age-gated videos; kept privately, never shown again.")
    clear_cookies = forms.BooleanField(required=False, help_text="Remove this channel's own cookies.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for spec in channel_options.SPECS:  # the bounds the API holds numbers to
            if spec.bounds:
                self.fields[spec.name].validators += [MinValueValidator(spec.bounds[0]),
                                                      MaxValueValidator(spec.bounds[1])]
        # Django's select for a nullable boolean says "Unknown" for None; here None follows the global setting.
        default = "yes" if settings.YTARCHIVE["PROFILE"].write_nfo else "no"
        self.fields["write_nfo"].widget = forms.Select(choices=[
            ("unknown", f"Follow the global setting (YTARCHIVE_NFO: {default})"),
            ("true", "Yes"), ("false", "No")])

    class Meta:
        model = Channel
        fields = ["enabled", "sync_interval_hours", *channel_options.NAMES, "download_order"]

    def clean(self):
        """Each text option checked and normalised by its spec, as the API does (tabs, SponsorBlock, ...)."""
        cleaned = super().clean()
        for spec in channel_options.SPECS:
            if spec.kind in ("list", "text") and spec.name in cleaned:
                try:
                    cleaned[spec.name] = spec.cleaned(cleaned[spec.name] or "")
                except ValueError as exc:
                    self.add_error(spec.name, str(exc))
        return cleaned

    def clean_cookies_file(self):
        upload = self.cleaned_data.get("cookies_file")
        if upload is None:
            return None
        try:
            return cookies.check(upload.read(cookies.MAX_BYTES + 1))
        except UserError as exc:
            raise forms.ValidationError(str(exc)) from exc


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "extractor", "enabled", "sync_interval_hours", "last_synced_at"]
    list_editable = ["enabled", "sync_interval_hours"]
    list_filter = ["enabled", "extractor"]
    search_fields = ["id", "title", "url", "source_url", "uploader"]
    readonly_fields = ["id", "url", "source_url", "extractor", "raw_id", "title", "description",
                       "uploader", "thumbnail_url", "created_at", "updated_at", "last_synced_at",
                       "last_full_index_at", "cookies_used"]
    form = ChannelForm
    inlines = [SyncJobInline]
    actions = ["sync_now", "full_sync_now"]

    @admin.display(description="Cookies in use")
    def cookies_used(self, obj):
        return {"channel": "its own", "global": "the global ones"}.get(channel_cookies.cookies_state(obj), "none")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "published_after" in form.changed_data:  # as the API does: skipped videos weighed again
            services.reconsider_skipped(obj)
        if form.cleaned_data.get("clear_cookies"):
            channel_cookies.clear_cookies(obj.id)
        if form.cleaned_data.get("cookies_file"):
            channel_cookies.set_cookies(obj.id, form.cleaned_data["cookies_file"])

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
