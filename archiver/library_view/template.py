"""A user's own layout: a small field language, e.g. ``{channel}/{year}/{upload_date} {title} [{id}]``.

The template names a video's file without its extension; ``/`` separates folders. Only the fields in
``FIELDS`` exist (``{{`` and ``}}`` are a brace); no format spec, conversion, index or attribute is taken,
so a template cannot reach into anything. ``parse`` says what is wrong at once (when the settings load,
when a channel's option is saved), and ``render`` is total for any data:

* a field's value never holds a path separator or a character a filesystem refuses (archiver.names);
* each component is at most ``names.MAX_COMPONENT_BYTES`` bytes (the file's name leaves room for its
  sidecars' suffixes), the longest data fields cut first, never the id;
* names never collide: the last component always holds ``{id}`` (appended as `` [{id}]`` when the
  template has none there), and a component is never ``.``, ``..`` or empty.
"""
from __future__ import annotations

import string
from dataclasses import dataclass

from archiver.library_view import names

# field -> what it is (the README's table and the error message list them)
FIELDS = {
    "channel": "the channel's name",
    "channel_id": "the channel's id",
    "id": "the video's id",
    "title": "the video's title",
    "upload_date": "the upload day, YYYY-MM-DD",
    "year": "the upload year",
    "month": "the upload month, 01-12",
    "day": "the upload day of the month, 01-31",
    "episode": "the episode code, S{year}E{MMDD}{NN}",
}
CHANNEL_FIELDS = frozenset({"channel", "channel_id"})
# Fields whose values are ours (never cut, never rewritten): ids, dates and codes.
_FIXED = frozenset({"channel_id", "id", "upload_date", "year", "month", "day", "episode"})
MAX_TEMPLATE_LENGTH = 300


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class Template:
    text: str
    # each component: a tuple of pieces, ("literal", text) or ("field", name)
    components: tuple[tuple[tuple[str, str], ...], ...]

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(value for comp in self.components for kind, value in comp if kind == "field")

    @property
    def show_folder(self) -> bool:
        """Whether the first folder names the channel alone (so a show's files and playlists go in it)."""
        if len(self.components) < 2:
            return False
        first = {value for kind, value in self.components[0] if kind == "field"}
        return bool(first) and first <= CHANNEL_FIELDS


def parse(text: str) -> Template:
    """The template in ``text``; TemplateError says what is wrong (an unknown field, a bad component)."""
    text = str(text or "").strip()
    if not text:
        raise TemplateError("a library template cannot be empty")
    if len(text) > MAX_TEMPLATE_LENGTH:
        raise TemplateError(f"a library template is at most {MAX_TEMPLATE_LENGTH} characters")
    if "\\" in text or any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise TemplateError("a library template holds no backslash and no control character")
    if text.startswith("/") or text.endswith("/"):
        raise TemplateError("a library template is relative to the view: no leading or trailing /")
    components = []
    for raw in text.split("/"):
        pieces: list[tuple[str, str]] = []
        try:
            parsed = list(string.Formatter().parse(raw))
        except ValueError as exc:
            raise TemplateError(f"library template {text!r}: {exc} (write a brace as {{{{ or }}}})") from exc
        for literal, field, spec, conversion in parsed:
            if literal:
                pieces.append(("literal", literal))
            if field is None:
                continue
            if field not in FIELDS:
                raise TemplateError(f"unknown field {{{field}}} in library template {text!r}; the fields are: "
                                    + ", ".join("{" + name + "}" for name in FIELDS))
            if spec or conversion:
                raise TemplateError(f"library template {text!r}: {{{field}}} takes no format or conversion")
            pieces.append(("field", field))
        literal_only = "".join(v for k, v in pieces if k == "literal")
        if not pieces or (all(k == "literal" for k, _ in pieces) and literal_only.strip() in ("", ".", "..")):
            raise TemplateError(f"library template {text!r}: an empty, '.' or '..' folder")
        components.append(tuple(pieces))
    if ("field", "id") not in components[-1]:
        components[-1] = (*components[-1], ("literal", " ["), ("field", "id"), ("literal", "]"))
    return Template(text=text, components=tuple(components))


def _render_component(pieces, values: dict[str, str], most: int) -> str:
    shown = {name: (values.get(name, "") if name in _FIXED else names.clean(values.get(name, "")))
             for kind, name in pieces if kind == "field"}
    literal = "".join(names.reserved_out(v) for k, v in pieces if k == "literal")
    room = most - len(literal.encode("utf-8")) - sum(len(shown[n].encode("utf-8")) for n in shown if n in _FIXED)
    cuttable = sorted((n for n in shown if n not in _FIXED), key=lambda n: -len(shown[n].encode("utf-8")))
    while cuttable and sum(len(shown[n].encode("utf-8")) for n in cuttable) > max(0, room):
        longest = cuttable[0]
        excess = sum(len(shown[n].encode("utf-8")) for n in cuttable) - max(0, room)
        shown[longest] = names.cut_bytes(shown[longest], max(0, len(shown[longest].encode("utf-8")) - excess))
        cuttable = sorted(cuttable, key=lambda n: -len(shown[n].encode("utf-8")))
        if all(not shown[n] for n in cuttable):
            break
    text = "".join(names.reserved_out(v) if k == "literal" else shown[v] for k, v in pieces)
    return names.safe_final(names.cut_bytes(text, most))


def render(template: Template, values: dict[str, str]) -> tuple[str, ...]:
    """The relative path (folders, then the file's stem) for one video's ``values`` (every field's text)."""
    last = len(template.components) - 1
    return tuple(_render_component(pieces, values,
                                   names.MAX_STEM_BYTES if i == last else names.MAX_COMPONENT_BYTES)
                 for i, pieces in enumerate(template.components))
