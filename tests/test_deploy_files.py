"""The files a school's IT person or a host runs the bot with: Dockerfile, compose.yaml,
.env.example, .dockerignore, and the README's settings table. There is no Docker engine here,
so these are read and checked; the install the image makes is made in a folder and run."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot import settings

ROOT = Path(__file__).parents[1]


def stages(dockerfile: str) -> list[str]:
    """The Dockerfile's build stages, each from its FROM line (continuations joined)."""
    text = dockerfile.replace("\\\n", " ")
    parts = re.split(r"^FROM ", text, flags=re.M)
    return ["FROM " + part for part in parts[1:]]


def test_the_image_is_multi_stage_slim_and_unprivileged() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    build, final = stages(dockerfile)
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)", dockerfile, re.M)
    assert base and base.group(1).endswith("-slim")
    assert build.startswith("FROM ${PYTHON_IMAGE} AS build") and final.startswith(
        "FROM ${PYTHON_IMAGE}\n")
    # dependencies install from pyproject.toml before any code is copied
    assert build.index("COPY pyproject.toml") < build.index("pip install -r") \
        < build.index("COPY bot")
    assert "studybot kb validate" in build  # a bad pack fails the build
    assert "COPY --from=build /opt/studybot /opt/studybot" in final
    assert "COPY bot" not in final and "pip install" not in final
    user = re.search(r"^USER (\S+)", final, re.M)
    assert user and user.group(1) not in ("root", "0")
    assert 'VOLUME ["/data"]' in final and "STUDYBOT_DATA_DIR=/data" in final
    assert re.search(r"HEALTHCHECK .*CMD \[\"studybot\", \"health\"\]", final)
    assert "MPLCONFIGDIR=" in final  # matplotlib gets a writable config folder
    assert 'ENTRYPOINT ["studybot"]' in final and 'CMD ["run"]' in final


def test_the_build_context_leaves_out_caches_and_secrets() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    for cache in (".git", ".venv", ".mypy_cache", ".ruff_cache", ".pytest_cache",
                  "**/__pycache__", "data", "tests", ".env", "studybot.toml"):
        assert cache in ignored, cache
    copied = re.findall(r"^COPY (?!--from)(\S+)", (ROOT / "Dockerfile").read_text(), re.M)
    assert all(path not in ignored for path in copied)


def test_compose_runs_the_bot_after_a_healthy_postgresql() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    db, bot = compose["services"]["db"], compose["services"]["bot"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    data_volume = db["volumes"][0].split(":")[0]
    assert data_volume in compose["volumes"]  # a named volume, not a folder
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["build"] == "." and bot["env_file"] == ".env"
    url = bot["environment"]["DATABASE_URL"]
    assert url.startswith("postgresql://") and "@db:5432/" in url
    assert settings.check_database_url(url) is None
    assert any(v.split(":")[0] in compose["volumes"] and v.endswith(":/data")
               for v in bot["volumes"])
    port = bot["environment"]["STUDYBOT_HTTP_PORT"]
    assert f"{port}:{port}" in bot["ports"]
    assert (ROOT / ".env.example").exists()


def test_env_example_lists_every_setting() -> None:
    text = (ROOT / ".env.example").read_text()
    named = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, re.M))
    assert named == {v.name for v in settings.VARIABLES} | {"POSTGRES_PASSWORD"}


def test_the_readme_documents_every_setting_in_one_table() -> None:
    readme = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \| (.+?) \| (.+?) \|$", readme, re.M)
    table = {name: (meaning, default) for name, meaning, default in rows}
    assert list(table) == [v.name for v in settings.VARIABLES]
    for variable in settings.VARIABLES:
        meaning, default = table[variable.name]
        assert meaning == variable.meaning + (" Secret." if variable.secret else "")
        assert default == (variable.default or "-")


def test_every_variable_the_code_reads_is_in_the_table() -> None:
    read: set[str] = set()
    for folder in ("bot", "adapters", "knowledge"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            read |= set(re.findall(r"(?:environ|env)\.get\(\s*\"([A-Z][A-Z0-9_]+)\"", text))
            read |= set(re.findall(r"value\(\s*\"([A-Z][A-Z0-9_]+)\"", text))
            read |= set(re.findall(r"^[A-Z_]+ENV = \"([A-Z][A-Z0-9_]+)\"", text, re.M))
    assert read - {"USER", "TERM"} <= {v.name for v in settings.VARIABLES}
    assert {"DATABASE_URL", "DISCORD_TOKEN", "SLACK_BOT_TOKEN", "STUDYBOT_PACKS",
            "STUDYBOT_HISTORY"} <= read


def test_the_installed_package_carries_and_validates_its_packs(tmp_path: Path) -> None:
    """What the image's build stage does (pip install ., then studybot kb validate), into a
    folder, run from elsewhere: the packs travel with the package, not the source tree."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--target", str(target), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    assert (target / "knowledge" / "packs" / "stalin-foreign-policy" / "essay.txt").exists()
    assert (target / "bot" / "storage" / "migrations" / "script.py.mako").exists()
    done = subprocess.run([sys.executable, "-c", "from bot.cli import main; "
                           "raise SystemExit(main(['kb', 'validate']))"],
                          cwd=tmp_path, env={"PYTHONPATH": str(target), "PATH": "/usr/bin"},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "OK: 1 pack(s) valid."


@pytest.mark.parametrize("doc", ["docs/setup-discord.md", "docs/setup-slack.md"])
def test_the_set_up_guides_exist_and_the_readme_points_to_them(doc: str) -> None:
    assert (ROOT / doc).exists()
    assert f"]({doc})" in (ROOT / "README.md").read_text()


def test_the_slack_guide_names_every_scope_the_manifest_asks_for() -> None:
    from adapters.slack.config import BOT_SCOPES

    guide = (ROOT / "docs" / "setup-slack.md").read_text()
    for scope in BOT_SCOPES:
        assert f"`{scope}`" in guide, scope

