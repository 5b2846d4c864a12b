"""Every channel option reaches every surface: model, migrations, API, admin, web form, CLI, settings, message.

The options are declared once (archiver.channel_options.SPECS). Each test
here walks the specs against one surface, so a surface that forgets an option
fails by name; the last ones add a spec that does not exist and check that the
derived surfaces pick it up with no edit of their own.
"""
import dataclasses
import io

import pytest
from django.core.management import call_command

from archiver import channel_options
from archiver.channel_options import SPECS, Spec
from archiver.messages import DownloadOptions, DownloadRequest
from channels_app import option_fields
from channels_app.models import Channel, Video
from ytarchive_cli import option_flags
from ytarchive_cli.main import build_parser

SPEC_IDS = [spec.name for spec in SPECS]


def sample(spec: Spec) -> str:
    """A valid value of ``spec`` as a user types it (a form, a flag, an environment variable)."""
    if spec.kind in ("int", "float"):
        return str(int(spec.bounds[0]) + 1 if spec.bounds else 1)
    if spec.name == "library_layout":  # a layout's name (or a template), checked by archiver.library_view.layouts
        return "jellyfin"
    return {"choice": (spec.choices or ("x",))[-1], "list": (spec.choices or ("word",))[-1],
            "text": "youtube:player_client=mweb", "date": "2024-02-28", "bool": "true"}[spec.kind]


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_each_option_is_a_channel_field_that_may_follow_the_default(spec):
    field = Channel._meta.get_field(spec.name)
    assert field.help_text == spec.help and field.blank
    assert field.null == (spec.kind in ("int", "float", "date", "bool"))
    if spec.kind == "choice":
        assert [value for value, _ in field.choices] == list(spec.choices)


@pytest.mark.django_db
def test_the_migrations_hold_every_option_field_as_derived():
    out = io.StringIO()
    call_command("makemigrations", "channels_app", "--check", "--dry-run", stdout=out)  # exits 1 on a change
    assert "No changes detected" in out.getvalue()


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_each_option_is_an_api_field_validated_by_its_spec(spec):
    from front_app.api.channels import OPTION_FIELDS, ChannelSerializer

    field = ChannelSerializer().fields[spec.name]
    assert spec.name in OPTION_FIELDS and spec.help in field.help_text and not field.read_only
    good = ChannelSerializer(Channel(id="c"), data={spec.name: sample(spec)}, partial=True)
    assert good.is_valid(), good.errors
    if spec.kind == "list" and spec.choices:
        bad = ChannelSerializer(Channel(id="c"), data={spec.name: "no-such-thing"}, partial=True)
        assert not bad.is_valid() and "no-such-thing" in str(bad.errors[spec.name])
    if spec.bounds:
        bad = ChannelSerializer(Channel(id="c"), data={spec.name: spec.bounds[1] + 1}, partial=True)
        assert not bad.is_valid() and spec.name in bad.errors


@pytest.mark.django_db
def test_the_api_shows_every_option_in_force():
    from front_app.api.channels import ChannelSerializer

    channel = Channel.objects.create(id="c-eff", url="https://example.org/c", max_height=480, tabs="shorts")
    effective = ChannelSerializer(channel).data["effective"]
    assert set(channel_options.NAMES) <= set(effective)
    assert (effective["max_height"], effective["tabs"]) == (480, ["shorts"])


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_each_option_is_in_the_admin_form_and_checked_there(spec):
    from channels_app.admin import ChannelForm

    assert spec.name in ChannelForm.base_fields
    if spec.kind == "list" and spec.choices:
        form = ChannelForm({"sync_interval_hours": 24, spec.name: "no-such-thing"}, instance=Channel(id="c"))
        assert not form.is_valid() and "no-such-thing" in str(form.errors[spec.name])


@pytest.mark.django_db
def test_the_channel_page_has_an_input_for_every_option(client, django_user_model):
    django_user_model.objects.create_user("owner", password="pw-owner-12345", is_staff=True)
    client.login(username="owner", password="pw-owner-12345")
    Channel.objects.create(id="c-web", url="https://example.org/c", title="Web")
    form = client.get("/channels/c-web/").content.decode().split('class="options-form"')[1].split("</form>")[0]
    missing = [spec.name for spec in SPECS
               if f'name="{spec.name}"' not in form or f'id="{spec.name}"' not in form]
    assert not missing, f"front_app/templates/web/channel.html has no input for {missing}"


@pytest.mark.parametrize("command", ["add", "set"])
@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_each_option_is_a_cli_flag_of_add_and_set(command, spec):
    args = build_parser().parse_args([command, "target", spec.flag, sample(spec) if spec.kind != "bool" else "on"])
    given = option_flags.changes(args)
    assert list(given) == [spec.name]
    assert given[spec.name] not in (None, "")
    cleared = "" if spec.kind in ("choice", "list", "text") else None  # as the API takes "the default"
    assert option_flags.changes(build_parser().parse_args([command, "target", spec.flag, ""])) == {spec.name: cleared}


@pytest.mark.parametrize("spec", [s for s in SPECS if s.env], ids=[s.name for s in SPECS if s.env])
def test_each_option_with_a_setting_takes_its_global_default_from_it(spec, monkeypatch):
    from config import env

    before = getattr(env.env_profile(), spec.name)
    monkeypatch.setenv(spec.env, sample(spec) if spec.kind != "bool" else "false")
    assert getattr(env.env_profile(), spec.name) != before


def test_every_number_is_bounded():
    assert [spec.name for spec in SPECS if spec.kind in ("int", "float") and not spec.bounds] == []


def test_only_the_channels_own_options_have_no_setting():
    # extractor_args: the global ones come from the PO-token server (archiver.ytdlp.Environment)
    assert [spec.name for spec in SPECS if not spec.env] == ["extractor_args"]


@pytest.mark.django_db
def test_every_option_travels_in_the_download_message(redis_client):
    from downloads_app.download_messages import download_request

    channel = Channel.objects.create(id="c-msg", url="https://example.org/c", max_height=720, rate_limit=5000,
                                     max_concurrent=2, extractor_args="youtube:player_client=mweb")
    video = Video.objects.create(channel=channel, video_id="v1", raw_id="v1", url="https://example.org/v1")
    message = download_request(video).as_dict()
    assert set(message["options"]["profile"]) == set(channel_options.NAMES)
    parsed = DownloadRequest.from_dict(message).options.profile
    assert (parsed.max_height, parsed.rate_limit, parsed.max_concurrent) == (720, 5000, 2)
    assert parsed.extractor_args == "youtube:player_client=mweb"


# A message as downloads_app.queueing built it before the profile was nested (every key it could carry).
FLAT_OPTIONS = {"format": "best", "socket_timeout": 30.0, "http_retries": 3, "rate_limit": 1000, "max_height": 720,
                "container": "mkv", "audio_only": "", "sleep_min": 1.0, "sleep_max": 2.0, "channel_limit": 3,
                "published_after": "20240228", "sleep_requests": 0.5, "sponsorblock_mark": ["intro"],
                "sponsorblock_remove": ["sponsor"], "sponsorblock_api": "https://sb", "cookies_key": "k",
                "write_nfo": False, "extractor_args": "youtube:player_client=mweb"}


def test_a_message_queued_before_the_profile_was_nested_still_runs():
    options = DownloadOptions.from_dict(FLAT_OPTIONS)
    assert options.profile == channel_options.Profile(
        rate_limit=1000, max_height=720, container="mkv", sleep_min=1.0, sleep_max=2.0, max_concurrent=3,
        published_after="20240228", sleep_requests=0.5, sponsorblock_mark=("intro",),
        sponsorblock_remove=("sponsor",), write_nfo=False, extractor_args="youtube:player_client=mweb")
    assert (options.sponsorblock_api, options.cookies_key, options.format) == ("https://sb", "k", "best")
    assert DownloadOptions.from_dict(dataclasses.asdict(options)) == options  # and the new shape round-trips
    with pytest.raises(ValueError, match="unknown key"):
        DownloadOptions.from_dict({**FLAT_OPTIONS, "no_such_option": 1})


FAKE = dataclasses.replace(Spec(kind="int", help="A knob no one has.", env="YTARCHIVE_FAKE_KNOB", bounds=(0, 99)),
                           name="fake_knob", default=0)


def test_a_new_spec_gets_its_model_field_api_field_and_cli_flag_with_no_edit(monkeypatch):
    from front_app.api.channels import option_field

    monkeypatch.setattr(channel_options, "SPECS", (*SPECS, FAKE))
    monkeypatch.setattr(option_fields, "SPECS", (*SPECS, FAKE))
    model = option_fields.options_model("channels_app.models")._meta.get_field("fake_knob")
    assert model.help_text == FAKE.help and model.null
    field = option_field(FAKE)
    assert FAKE.help in field.help_text and (field.min_value, field.max_value) == (0, 99)
    parser = build_parser()
    assert option_flags.changes(parser.parse_args(["set", "c", "--fake-knob", "7"]))["fake_knob"] == 7


def test_a_new_spec_gets_its_setting_with_no_edit(monkeypatch):
    from config import env

    monkeypatch.setenv("YTARCHIVE_FAKE_KNOB", "12")
    assert env.env_option(FAKE) == 12
