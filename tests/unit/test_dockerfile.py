"""The image: multi-stage, and its final stage runs every role as a non-root user with only what runs."""
from tests.harness import REPO


def stages() -> list[list[str]]:
    found: list[list[str]] = []
    for line in (REPO / "Dockerfile").read_text().splitlines():
        if line.startswith("FROM "):
            found.append([])
        if found:
            found[-1].append(line)
    return found


def test_multi_stage_with_a_lean_non_root_final_stage():
    build, final = stages()
    assert "AS build" in build[0]
    text = "\n".join(final)
    assert "pip install" not in text and "COPY --from=build /venv /venv" in text
    users = [line for line in final if line.startswith("USER ")]
    assert users and users[-1].split()[1].split(":")[0] not in ("0", "root")
    assert "config.gunicorn_conf" in text
