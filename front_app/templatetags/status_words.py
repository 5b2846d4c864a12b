"""Status in honest words for the templates: an attempt never reads as more than the maximum shown
("attempt 3 of 2" after YTARCHIVE_DOWNLOAD_RETRIES was lowered reads "attempt 3, its last")."""
from django import template

register = template.Library()


@register.simple_tag
def attempt_of(video, max_attempts) -> str:
    """The attempt a retrying video waits for: "attempt 2 of 4", or past the maximum (retries lowered since
    it began) "attempt 3, its last (retries were lowered: at most 2 now)"."""
    attempt = (video.attempts or 0) + 1
    if attempt > int(max_attempts):
        return f"attempt {attempt}, its last (retries were lowered: at most {max_attempts} now)"
    return f"attempt {attempt} of {max_attempts}"
