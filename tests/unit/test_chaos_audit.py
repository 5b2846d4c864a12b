"""The chaos audit (tests/chaos/audit.py) counts each kind of damage once, and nothing on a clean tree."""
from __future__ import annotations

from tests.chaos import audit

SERVED = {vid: f"bytes of {vid}".encode() for vid in ("v1", "v2", "v3", "v4")}


def archive_of(root, channel="chan", videos=SERVED):
    for vid, data in videos.items():
        folder = root / channel / "videos" / vid
        folder.mkdir(parents=True)
        (folder / "video.mp4").write_bytes(data)
        (folder / "video.info.json").write_text("{}")
        (folder / "video.nfo").write_text("<episodedetails/>")
    return root


def test_a_clean_archive_has_no_findings(tmp_path):
    root = archive_of(tmp_path)
    findings = audit.Findings()
    audit.audit_channel(findings, root, "chan", SERVED, dict.fromkeys(SERVED, "archived"), SERVED.__getitem__)
    audit.audit_tree(findings, root)
    audit.audit_syncs(findings, {"chan": "succeeded", "other": None})
    audit.audit_tallies(findings, 4, 4, {"archived": 4}, {"archived": 4, "queued": 0})
    assert findings.clean and set(findings.counts().values()) == {0}


def test_each_kind_of_damage_is_counted(tmp_path):
    root = archive_of(tmp_path)
    videos = root / "chan" / "videos"
    (videos / "v2" / "video.mp4").write_bytes(b"bytes of v2, cut")  # half-written under its final name
    (videos / "v4" / "video.mkv").write_bytes(b"a second copy")
    (videos / "stranger").mkdir()
    (videos / ".tmp-v1-abc123").mkdir()  # a temp folder of finished work
    (videos / "v1" / "video.mp4.part").write_bytes(b"")
    statuses = {"v1": "archived", "v2": "archived", "v3": "queued", "v4": "archived"}
    findings = audit.Findings()
    audit.audit_channel(findings, root, "chan", SERVED, statuses, SERVED.__getitem__)
    audit.audit_tree(findings, root)
    audit.audit_syncs(findings, {"chan": "running"})
    audit.audit_tallies(findings, 5, 3, {"archived": 3, "queued": 1}, {"archived": 3, "queued": 0})
    assert findings.counts() == {"chaos_lost": 1, "chaos_duplicated": 3, "chaos_partial": 3, "chaos_stuck": 2,
                                 "chaos_tally_mismatch": 1}
    assert findings.lost == ["chan/v3: queued, folder present"]
    assert any("v2/video.mp4" in line for line in findings.partial)
    assert any("stranger" in line for line in findings.duplicated)
    assert any("5 archived outcomes" in line for line in findings.duplicated)
    assert not findings.clean


def test_fewer_outcomes_than_archived_videos_is_a_mismatch(tmp_path):
    findings = audit.Findings()
    audit.audit_tallies(findings, 2, 3, {"archived": 3}, {"archived": 3})
    assert findings.counts()["chaos_tally_mismatch"] == 1 and findings.counts()["chaos_lost"] == 0
