"""Curated knowledge, loaded from the JSON files beside this module: gazetteer, lexicon, page furniture."""

import hashlib
import itertools
import json
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from app.config import get_settings
from app.ingest.matcher import WORD, PhraseMatcher
from app.ingest.text import lookup_key
from app.ingest.types import EntityRef
from app.knowledge.gazetteer import Gazetteer, GazetteerSettings

HERE = Path(__file__).resolve().parent
FILES = ("actors.json", "bases.json", "lexicon.json", "furniture.json", "outlets.json", "countries.json")
MAX_VARIANTS = 64
# The lexicon's lists of phrases that the phrase matcher finds (labelled with their key), besides the names, the
# office phrases, the roles' cues and the event types' own lists (see Knowledge.phrases).
PHRASE_LISTS = ("person_cues", "forces_words", "military_words")
EVENT_PHRASE_LISTS = ("withdrawal_terms", "order_cues", "negations")


@dataclass(frozen=True)
class AliasEntry:
    entity: EntityRef
    kind: str  # full | alias | surname | description
    case_surfaces: frozenset[str]  # non-empty: the alias only counts when written exactly like one of these


@dataclass(frozen=True)
class Office:
    actor: str
    role: str
    country: str
    start: str | None
    end: str | None


@dataclass(frozen=True)
class Place:
    """What a place name in a text says: the country it is, or lies in, or whose people it names."""

    country: str
    kind: str  # place (a country's name or alias, or a place in it) | people (a demonym)
    words: tuple[str, ...]  # the name's words: it only counts written so, in the same case and accents
    name: str | None = None  # a gazetteer place's own name ('Kyiv' for 'Kiev'), None for the curated places
    latitude: float | None = None
    longitude: float | None = None


class Geography:
    """Countries with their other names, capitals, demonyms and adjectives, and places mapped to their country."""

    def __init__(self, data: dict) -> None:
        self.countries = data["countries"]
        self.adjectives = {c["name"]: c.get("adjective") or c["name"] for c in self.countries}
        names = {name: c["name"] for c in self.countries for name in (c["name"], *c.get("aliases", []))}
        self.names = names
        # A capital two states share is the first listed's, the current state's (the historical ones come last).
        capitals = {c["capital"]: c["name"] for c in reversed(self.countries) if c.get("capital")}
        demonyms = {demonym: c["name"] for c in self.countries for demonym in c.get("demonyms", [])}
        # Of names written alike, a country's own name wins over a capital, a capital over another place, and
        # any of them over a demonym.
        self.places: dict[tuple[str, ...], Place] = {}
        for surface, country in {**data["places"], **capitals, **names}.items():
            words = tuple(WORD.findall(surface))
            self.places[words] = Place(country, "place", words)
        for surface, country in demonyms.items():
            words = tuple(WORD.findall(surface))
            self.places.setdefault(words, Place(country, "people", words))


class Knowledge:
    """Everything the pure stages know about the world, compiled once."""

    def __init__(self, data: dict[str, dict], digest: str) -> None:
        self.digest = digest
        self.actors_data = data["actors.json"]["actors"]
        self.bases_data = data["bases.json"]["bases"]
        self.base_discovery = data["bases.json"]["discovery"]
        self.lexicon = data["lexicon.json"]
        self.furniture = data["furniture.json"]
        self.outlets = data["outlets.json"]["outlets"]
        self.geo = Geography(data["countries.json"])
        self.gazetteer_settings = GazetteerSettings.of(data["countries.json"]["gazetteer"])

    @cached_property
    def gazetteer(self) -> Gazetteer:
        """Cities and regions of the world (app/knowledge/gazetteer.py), built on first use."""
        lexicon = self.lexicon
        names = [*lexicon["month_names"], *lexicon["weekdays"]]
        names += [
            word for a in self.actors_data for name in (a["name"], *a.get("aliases", [])) for word in name.split()
        ]
        return Gazetteer(self.gazetteer_settings, self.geo.names, not_place=names)

    @cached_property
    def actors(self) -> dict[str, EntityRef]:
        return {
            a["name"]: EntityRef(
                kind="actor",
                name=a["name"],
                type=a["kind"],
                title=a.get("title"),
                country=a.get("country"),
                aliases=tuple(a.get("aliases", [])) + ((a["surname"],) if a.get("surname") else ()),
            )
            for a in self.actors_data
        }

    @cached_property
    def bases(self) -> dict[str, EntityRef]:
        return {
            b["name"]: EntityRef(
                kind="base",
                name=b["name"],
                type=b["kind"],
                country=b.get("country"),
                province=b.get("province"),
                latitude=b.get("latitude"),
                longitude=b.get("longitude"),
                aliases=tuple(b.get("aliases", [])),
            )
            for b in self.bases_data
        }

    @cached_property
    def offices(self) -> list[Office]:
        return [
            Office(a["name"], o["role"], o["country"], o.get("from"), o.get("to"))
            for a in self.actors_data
            for o in a.get("offices", [])
        ]

    @cached_property
    def surname_after_full(self) -> frozenset[str]:
        """Actors whose surname alone only counts once the article has named them in full."""
        return frozenset(a["name"] for a in self.actors_data if a.get("surname") and not a.get("surname_always"))

    @cached_property
    def aliases(self) -> dict[str, list[AliasEntry]]:
        """Lookup key -> the entities it can name. Built from names, aliases and generated spelling variants."""
        table: dict[str, dict[tuple[str, str], AliasEntry]] = {}
        for ref, surface, kind in self._surfaces():
            self._add(table, ref, surface, kind)
        return {key: list(entries.values()) for key, entries in table.items()}

    def _surfaces(self) -> list[tuple[EntityRef, str, str]]:
        """(actor or base, a surface naming it, its kind: full | alias | surname | description), in file order."""
        found = []
        for record in self.actors_data:
            ref = self.actors[record["name"]]
            found += [(ref, record["name"], "full"), *((ref, a, "alias") for a in record.get("aliases", []))]
            if record.get("surname"):
                found.append((ref, record["surname"], "surname"))
        for record in self.bases_data:
            ref = self.bases[record["name"]]
            found += [(ref, record["name"], "full"), *((ref, a, "alias") for a in record.get("aliases", []))]
            found += [(ref, d, "description") for d in record.get("descriptions", [])]
        return found

    @cached_property
    def alias_lower_words(self) -> frozenset[str]:
        """The lower-case words an alias may begin with as it stands in a text ('al-Tanf', 'its airbase in
        Latakia'): elsewhere an alias only counts where its first word is capitalised or a number."""
        return frozenset(
            lookup_key(surface).split()[0]
            for _ref, surface, _kind in self._surfaces()
            if surface[:1].islower() and lookup_key(surface)
        )

    @cached_property
    def phrases(self) -> PhraseMatcher:
        """Every name and cue phrase of the knowledge, in one matcher (see app.ingest.matcher). Labels: 'alias'
        (payload: an AliasEntry), 'place' (a Place), 'office_phrases' (the office), 'roles.<role>' for a role's
        cues, '<event type>.<key>' for an event type's lists (EVENT_PHRASE_LISTS) and the key of the other lists
        (PHRASE_LISTS)."""
        lexicon = self.lexicon
        phrases = [(key, "alias", entry) for key, entries in self.aliases.items() for entry in entries]
        phrases += [(" ".join(words), "place", place) for words, place in self.geo.places.items()]
        phrases += [(phrase, name, None) for name in PHRASE_LISTS for phrase in lexicon[name]]
        phrases += [(phrase, "office_phrases", office) for phrase, office in lexicon["office_phrases"].items()]
        for role, spec in lexicon["roles"].items():
            phrases += [(phrase, f"roles.{role}", None) for phrase in spec.get("cues", [])]
        for event_type, spec in lexicon["event_types"].items():
            phrases += [(p, f"{event_type}.{name}", None) for name in EVENT_PHRASE_LISTS for p in spec[name]]
        return PhraseMatcher(phrases)

    def _add(self, table: dict, ref: EntityRef, surface: str, kind: str) -> None:
        """Record the keys of one surface. A key's kind is the strongest of the kinds of the surfaces that give
        that key, whatever order they come in: it must not leak from one key of this surface to the next (the
        variants are a set, so that would depend on the hash seed). Keys are added in sorted order."""
        case_sensitive = _is_case_sensitive(surface)
        for key in sorted(self.variants(surface)) if ref.type != "state" or kind == "full" else [lookup_key(surface)]:
            slot = table.setdefault(key, {})
            ident = (ref.kind, ref.name)
            previous = slot.get(ident)
            surfaces = frozenset({surface}) if case_sensitive else frozenset()
            key_kind = kind
            if previous is not None:
                if not previous.case_surfaces or not surfaces:
                    surfaces = frozenset()
                else:
                    surfaces = previous.case_surfaces | surfaces
                key_kind = _stronger(previous.kind, kind)
            slot[ident] = AliasEntry(ref, key_kind, surfaces)

    def variants(self, surface: str) -> set[str]:
        """Keys for the spelling variants of a name: transliterations (Sergei/Sergey) and particles (al-)."""
        tokens = lookup_key(surface).split()
        if not tokens:
            return set()
        particles = set(self.lexicon["name_particles"])
        articles = set(self.lexicon["article_particles"])  # written either way or left out: al-Assad, el-Assad, Assad
        choices = []
        for index, token in enumerate(tokens):
            forms = self._token_variants(token)
            if token in articles and index < len(tokens) - 1:
                forms |= articles | {""}
            elif token in particles and index < len(tokens) - 1 and len(tokens) > 2:
                forms.add("")
            choices.append(sorted(forms))
        keys = set()
        for combo in itertools.islice(itertools.product(*choices), MAX_VARIANTS):
            key = " ".join(t for t in combo if t)
            if key:
                keys.add(key)
        keys.add(" ".join(tokens))
        return keys

    def _token_variants(self, token: str) -> set[str]:
        forms = {token}
        if len(token) < 4:
            return forms
        for a, b in self.lexicon["transliteration"]:
            for src, dst in ((a, b), (b, a)):
                if len(src) == 1:
                    if token.endswith(src):
                        forms.add(token[: -len(src)] + dst)
                elif src in token:
                    forms.add(token.replace(src, dst))
        return forms


def _is_case_sensitive(surface: str) -> bool:
    letters = [c for c in surface if c.isalpha()]
    return len(letters) <= 3 or all(c.isupper() for c in letters)


_STRENGTH = {"full": 3, "alias": 2, "surname": 1, "description": 0}


def _stronger(a: str, b: str) -> str:
    return a if _STRENGTH[a] >= _STRENGTH[b] else b


def load_knowledge() -> Knowledge:
    """The knowledge of the folder the ``knowledge_dir`` setting names (DRAWDOWN_KNOWLEDGE_DIR; by default the
    files beside this module)."""
    return knowledge_from(get_settings().knowledge_dir)


@lru_cache(maxsize=2)
def knowledge_from(folder: Path) -> Knowledge:
    """The knowledge files in ``folder``, read and compiled once; the digest of their bytes goes into the
    extractor version stored with each article."""
    data, digest = {}, hashlib.sha256()
    for name in FILES:
        raw = (folder / name).read_bytes()
        digest.update(raw)
        data[name] = json.loads(raw)
    return Knowledge(data, digest.hexdigest()[:12])
