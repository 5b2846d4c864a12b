"""The one signal of the words said: sent after a video's cues or comments were written or changed, so that
whatever keeps a copy of them (the search index) follows without text_app knowing who listens."""
from django.dispatch import Signal

#: Sent with ``video_pk`` (Video.pk, an int) after its cues or comments changed in the catalog.
video_text_changed = Signal()
