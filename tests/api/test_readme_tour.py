"""Every curl command of the README's API tour works against the seed database (on every backend)."""

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def tour_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## A tour of the API", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip().startswith("curl ")]


def parse(command: str) -> tuple[str, dict[str, str]]:
    words = shlex.split(command)[1:]
    headers, url = {}, None
    i = 0
    while i < len(words):
        word = words[i]
        if word == "-H":
            name, value = words[i + 1].split(":", 1)
            headers[name.strip()] = value.strip()
            i += 2
        elif word == "-o":
            i += 2
        elif word.startswith("-"):
            i += 1
        else:
            url = word
            i += 1
    assert url, command
    parts = urlsplit(url if "://" in url else f"http://{url}")
    assert parts.netloc == "localhost:8000", command
    return parts.path + (f"?{parts.query}" if parts.query else ""), headers


COMMANDS = tour_commands()


def test_the_tour_covers_every_endpoint(client):
    paths = {re.sub(r"/\d+", "/{id}", parse(c)[0].split("?")[0]) for c in COMMANDS}
    documented = {re.sub(r"\{[a-z_]+\}", "{id}", p) for p in client.get("/openapi.json").json()["paths"]}
    assert documented <= paths


@pytest.mark.parametrize("command", COMMANDS)
def test_tour_command_answers(client, command):
    target, headers = parse(command)
    response = client.get(target, headers=headers)
    assert response.status_code == 200, (command, response.text[:300])
    if "format=csv" in target or headers.get("Accept") == "text/csv":
        assert response.headers["content-type"].startswith("text/csv")
        assert response.text.count("\n") >= 2, command  # a header and at least one row
    elif "format=ndjson" in target:
        assert response.text.strip(), command
    elif "/openapi.json" not in target and "items" in response.json():
        assert response.json()["items"], f"{command} finds nothing on the seed data"
    etag = response.headers["etag"]
    assert client.get(target, headers={**headers, "If-None-Match": etag}).status_code == 304
