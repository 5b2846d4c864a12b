from django.contrib import admin

from library_app.models import ChannelVisit, WatchState


@admin.register(WatchState)
class WatchStateAdmin(admin.ModelAdmin):
    list_display = ("user", "video", "position", "watched", "updated_at")
    list_filter = ("watched",)
    raw_id_fields = ("video",)


@admin.register(ChannelVisit)
class ChannelVisitAdmin(admin.ModelAdmin):
    list_display = ("user", "channel", "visited_at")
