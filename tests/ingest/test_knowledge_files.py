"""The knowledge files are the only source of what the extractor knows: each key says what it means in the
file's 'keys', and the extractor reads every key (editing any of them changes what it does)."""

import dataclasses
import json

import pytest

from app.ingest.pipeline import extract
from app.ingest.sources import records
from app.knowledge import FILES, HERE, Knowledge
from tests.conftest import CORPUS, SEEDS

CHECKED = FILES
DOCUMENTATION = {"about", "keys"}  # at any depth: what a file or an entry is for


class Recorded(dict):
    """A JSON object that notes the paths of the keys read from it (going through it reads every key)."""

    def __init__(self, data: dict, path: str, read: set[str]) -> None:
        super().__init__({key: _recorded(value, f"{path}.{key}", read) for key, value in data.items()})
        self.path, self.read = path, read

    def _note(self, key) -> None:
        self.read.add(f"{self.path}.{key}")

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def __contains__(self, key) -> bool:
        self._note(key)
        return super().__contains__(key)

    def __iter__(self):
        self.read.update(f"{self.path}.{key}" for key in dict.__iter__(self))
        return super().__iter__()

    def keys(self):
        return list(iter(self))

    def items(self):
        return [(key, super(Recorded, self).__getitem__(key)) for key in self]

    def values(self):
        return [value for _, value in self.items()]


def _recorded(value, path: str, read: set[str]):
    if isinstance(value, dict):
        return Recorded(value, path, read)
    if isinstance(value, list):
        return [_recorded(item, f"{path}[]", read) for item in value]
    return value


def _paths(value, path: str) -> set[str]:
    """The paths of every key in a JSON value, but the documentation's."""
    if isinstance(value, list):
        return set().union(*(_paths(item, f"{path}[]") for item in value))
    if not isinstance(value, dict):
        return set()
    found = set()
    for key, item in value.items():
        if key not in DOCUMENTATION:
            found |= {f"{path}.{key}"} | _paths(item, f"{path}.{key}")
    return found


def _load() -> dict[str, dict]:
    return {name: json.loads((HERE / name).read_text()) for name in FILES}


def test_every_key_of_the_knowledge_files_is_read():
    read: set[str] = set()
    data = _load()
    for name in CHECKED:
        data[name] = Recorded(data[name], name, read)
    knowledge = Knowledge(data, digest="recorded")
    # With the metadata given, with the url alone and with none: each source of metadata is used.
    blanks = ({}, {"outlet": None}, {"title": None, "outlet": None, "published_at": None, "url": None})
    for record in records([str(SEEDS), str(CORPUS / "articles")]):
        for blank in blanks:
            extract(dataclasses.replace(record.article, **blank), knowledge)
    paths = {f"{name}{path}" for name in CHECKED for path in _paths(_load()[name], "")}
    assert sorted(paths - read) == []


@pytest.mark.parametrize("name", CHECKED)
def test_every_key_is_described(name):
    data = _load()[name]
    keys = {key for key in data if key not in DOCUMENTATION}
    records_fields = {
        f"{key}[].{field}"
        for key, value in data.items()
        if isinstance(value, list) and value and isinstance(value[0], dict)
        for field in set().union(*value)
    }
    assert keys | records_fields <= set(data["keys"])
    assert isinstance(data["about"], str)
