"""Curated knowledge, loaded from the JSON files beside this module: gazetteer, lexicon, page furniture."""

import hashlib
import itertools
import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from app.ingest.text import lookup_key
from app.ingest.types import EntityRef

HERE = Path(__file__).resolve().parent
FILES = ("actors.json", "bases.json", "lexicon.json", "furniture.json", "outlets.json", "countries.json")
MAX_VARIANTS = 64
ALIAS_SEPARATORS = r"[ \-.'\u2019]{1,3}"  # what may come between the tokens of an alias in a text


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


class Geography:
    """Countries with their other names, demonyms and capitals, and places mapped to their country."""

    def __init__(self, data: dict) -> None:
        self.countries = data["countries"]
        self.adjectives = {c["name"]: c.get("adjective") or c["name"] for c in self.countries}
        self.names: dict[str, str] = {}
        for country in self.countries:
            for name in (country["name"], *country.get("aliases", [])):
                self.names[name] = country["name"]
        self.places: dict[str, str] = dict(data.get("places", {}))
        self.capitals = {c["capital"]: c["name"] for c in self.countries if c.get("capital")}
        self.demonyms = {d: c["name"] for c in self.countries for d in c.get("demonyms", [])}

    def where(self, surface: str) -> str | None:
        """The country a name, alias, capital or place belongs to."""
        return self.names.get(surface) or self.places.get(surface) or self.capitals.get(surface)

    @cached_property
    def _surfaces(self) -> dict[str, tuple[str, str]]:
        """Surface key (tokens joined by spaces, case kept) -> (country, kind: place | people)."""
        table: dict[str, tuple[str, str]] = {}
        for surface, country in {**self.places, **self.names}.items():
            table[" ".join(_GEO_TOKEN.findall(surface))] = (country, "place")
        for surface, country in self.demonyms.items():
            table.setdefault(" ".join(_GEO_TOKEN.findall(surface)), (country, "people"))
        return table

    @cached_property
    def _prefixes(self) -> frozenset[str]:
        return frozenset(" ".join(k.split()[:n]) for k in self._surfaces for n in range(1, len(k.split()) + 1))

    @cached_property
    def _next_tokens(self) -> dict[str, frozenset[str]]:
        """Prefix -> the tokens that make it a longer prefix ('United' -> 'States', 'Kingdom', ...)."""
        return _next_tokens(self._prefixes)

    @cached_property
    def _first_tokens(self) -> re.Pattern:
        """The tokens where a surface may begin, skipping the others at C speed: letter runs that start with a
        capital that begins some surface, or that are exactly one of the few lower-case first words ('the').
        The pattern opens with a character set (so the regex engine jumps between candidates); the
        look-behinds then check that the character is the start of a letter run and pick the branch."""
        firsts = {key.split()[0] for key in self._surfaces}
        if not all(first.isalpha() for first in firsts):
            return _GEO_TOKEN
        capitals = "".join(sorted({f[0] for f in firsts if f[0].isupper()}))
        words = sorted(f for f in firsts if not f[0].isupper())
        heads = "".join(sorted(set(capitals) | {w[0] for w in words}))
        letter = r"[^\W\d_]"
        branches = [rf"(?<=[{re.escape(capitals)}]){letter}*"]
        for word in words:
            branch = rf"(?<={re.escape(word[0])}){re.escape(word[1:])}(?!{letter})"
            if word not in self._surfaces:
                # The word ('the') begins longer surfaces only: it is tried only where the next token, read as
                # _GEO_NEXT reads it (the whole run of letters after the separators), goes on with one.
                nexts = "|".join(map(re.escape, sorted(self._next_tokens[word])))
                branch += rf"(?={_GEO_SEPARATORS}(?:{nexts})(?!{letter}))"
            branches.append(branch)
        return re.compile(rf"[{re.escape(heads)}](?<!{letter}.)(?:" + "|".join(branches) + ")")

    def find(self, text: str, start: int = 0, end: int | None = None) -> list["GeoMention"]:
        """Countries, places and demonyms in text[start:end], leftmost-longest, case-sensitive."""
        surfaces, prefixes, next_tokens = self._surfaces, self._prefixes, self._next_tokens
        found: list[GeoMention] = []
        resume = start
        end = len(text) if end is None else end
        # Tokens that cannot begin a surface are skipped by the loop below anyway; _first_tokens does not
        # produce them. (It looks behind ``start``, so it is used from the start of the text only.)
        tokens = self._first_tokens if start == 0 else _GEO_TOKEN
        for token in tokens.finditer(text, start, end):
            if token.start() < resume or token.group() not in prefixes:
                continue
            key, stop, best = token.group(), token.end(), None
            while True:  # key is a prefix: the longest surface is looked for token by token
                if key in surfaces:
                    best = (stop, surfaces[key])
                # Where no longer surface begins with key, or the next token does not go on with it, the key
                # made with the next token would be no prefix: it is not made.
                nexts = next_tokens.get(key)
                if nexts is None:
                    break
                following = _GEO_NEXT.match(text, stop, end)
                if following is None or (word := following.group(1)) not in nexts:
                    break
                key, stop = f"{key} {word}", following.end()
            if best is not None and not text[best[0] : best[0] + 1].isalnum():
                found.append(GeoMention(token.start(), best[0], best[1][0], best[1][1]))
                resume = best[0]
        return found


def _next_tokens(prefixes: frozenset[str]) -> dict[str, frozenset[str]]:
    """Prefix -> the tokens that make it a longer prefix, for the prefixes some longer one begins with:
    ``f"{key} {token}" in prefixes`` is ``token in _next_tokens(prefixes)[key]``."""
    table: dict[str, set[str]] = {}
    for prefix in prefixes:
        head, _, token = prefix.rpartition(" ")
        if head:
            table.setdefault(head, set()).add(token)
    return {head: frozenset(tokens) for head, tokens in table.items()}


_GEO_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_GEO_SEPARATORS = r"[ .'\u2019-]{1,3}"
_GEO_NEXT = re.compile(rf"{_GEO_SEPARATORS}([^\W\d_]+)")


@dataclass(frozen=True)
class GeoMention:
    start: int
    end: int
    country: str
    kind: str  # place (a country's name, alias or a place in it) | people (a demonym)


class Knowledge:
    """Everything the pure stages know about the world, compiled once."""

    def __init__(self, data: dict[str, dict], digest: str) -> None:
        self.digest = digest
        self.actors_data = data["actors.json"]["actors"]
        self.bases_data = data["bases.json"]["bases"]
        self.lexicon = data["lexicon.json"]
        self.furniture = data["furniture.json"]
        self.outlets = data["outlets.json"]["outlets"]
        self.geo = Geography(data["countries.json"])

    @cached_property
    def actors(self) -> dict[str, EntityRef]:
        return {a["name"]: self._actor_ref(a) for a in self.actors_data}

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

    def _actor_ref(self, a: dict) -> EntityRef:
        return EntityRef(
            kind="actor",
            name=a["name"],
            type=a["kind"],
            title=a.get("title"),
            country=a.get("country"),
            aliases=tuple(a.get("aliases", [])) + ((a["surname"],) if a.get("surname") else ()),
        )

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
        for record in self.actors_data:
            ref = self.actors[record["name"]]
            self._add(table, ref, record["name"], "full")
            for alias in record.get("aliases", []):
                self._add(table, ref, alias, "alias")
            if record.get("surname"):
                self._add(table, ref, record["surname"], "surname")
        for record in self.bases_data:
            ref = self.bases[record["name"]]
            self._add(table, ref, record["name"], "full")
            for alias in record.get("aliases", []):
                self._add(table, ref, alias, "alias")
            for description in record.get("descriptions", []):
                self._add(table, ref, description, "description")
        return {key: list(entries.values()) for key, entries in table.items()}

    @cached_property
    def alias_prefixes(self) -> frozenset[str]:
        """Every leading run of whole tokens of every alias key: lets the matcher stop early."""
        return frozenset(" ".join(key.split()[:n]) for key in self.aliases for n in range(1, len(key.split()) + 1))

    @cached_property
    def alias_first_token(self) -> re.Pattern:
        """Tokens where an alias may start (see _alias_start_pattern), but for the lower-case words that can begin
        no alias where they stand: a word that is no alias itself ('the') is taken only before a token that goes on
        with it (as _NEXT_TOKEN in app.ingest.entities reads the next token: the whole run of letters and digits
        after the separators). The tokens left out would make no match: the matcher would find no alias key for
        them."""

        return self._alias_start_pattern(self._only_before_next)

    def _only_before_next(self, word: str) -> str:
        """What alias_first_token puts after a lower-case word's branch (see there)."""
        if word in self.aliases:
            return ""
        nexts = "|".join(map(re.escape, sorted(self.alias_next_tokens.get(word, ())))) or "(?!)"
        return rf"(?={ALIAS_SEPARATORS}(?i:{nexts})(?![A-Za-z0-9]))"

    @cached_property
    def alias_first_token_parts(self) -> tuple[re.Pattern, tuple[re.Pattern, ...]] | None:
        """alias_first_token in parts: a pattern of its capital and digit branch, and one pattern per lower-case
        word's branch; None where alias_first_token is not of that form (see _alias_start_pattern).

        Every match of alias_first_token is a whole run of [A-Za-z0-9] and matches one branch, so its matches are
        those of the parts together, in order of their starts. The capital branch alone opens with a set of
        capitals and digits, which the regex engine tries far less often than one that also holds 'a', 'i' and
        't'; each word's pattern opens with the word itself (its look-behind, read after it, is the same test of
        the character before), which the engine looks for as a literal. Most texts hold none of the lower-case
        words where their look-aheads let them through."""
        if not self._alias_lower_words_plain:
            return None
        capitals = re.compile(r"[A-Z0-9](?<![A-Za-z0-9].)[A-Za-z0-9]*")
        words = tuple(
            re.compile(rf"{word}(?<![A-Za-z0-9]{'.' * len(word)})(?![A-Za-z0-9]){self._only_before_next(word)}")
            for word in self._alias_lower_words
        )
        return capitals, words

    def _alias_start_pattern(self, after_lower) -> re.Pattern:
        """Tokens where an alias may start: capitalised words and digits, or the few lower-case words that begin an
        alias ('its airbase in Latakia', 'al-Nusra'), so common words are skipped at C speed; with
        ``after_lower(word)`` put after each lower-case word's branch."""
        lower = self._alias_lower_words
        if not self._alias_lower_words_plain:
            words = "|".join(f"{re.escape(w)}(?![A-Za-z0-9]){after_lower(w)}" for w in lower) or "(?!)"
            return re.compile(rf"(?<![A-Za-z0-9])(?:[A-Z0-9][A-Za-z0-9]*|(?:{words}))")
        # r"(?<![A-Za-z0-9])(?:[A-Z0-9][A-Za-z0-9]*|(?:al|its|the)(?![A-Za-z0-9]))", written to open with a
        # character set (which the regex engine scans fast); the look-behinds then check that the character
        # starts a token and pick the branch, tried in the same order.
        heads = "".join(sorted({w[0] for w in lower}))
        branches = [r"(?<=[A-Z0-9])[A-Za-z0-9]*"] + [
            rf"(?<={w[0]}){w[1:]}(?![A-Za-z0-9]){after_lower(w)}" for w in lower
        ]
        return re.compile(rf"[A-Z0-9{heads}](?<![A-Za-z0-9].)(?:" + "|".join(branches) + ")")

    @cached_property
    def _alias_lower_words(self) -> list[str]:
        """The lower-case words an alias can begin with where it stands ('al', 'its', 'the'), sorted."""
        return sorted(
            {
                lookup_key(surface).split()[0]
                for surface in self._alias_surfaces
                if surface[:1].islower() and lookup_key(surface)
            }
        )

    @cached_property
    def _alias_lower_words_plain(self) -> bool:
        """Whether every one of _alias_lower_words is a run of [a-z0-9] opening with a letter: the form that
        _alias_start_pattern writes as a character set with look-behinds, and alias_first_token_parts splits."""
        return all(re.fullmatch("[a-z][a-z0-9]*", word) for word in self._alias_lower_words)

    @cached_property
    def alias_next_tokens(self) -> dict[str, frozenset[str]]:
        """Alias prefix -> the tokens that make it a longer prefix (see _next_tokens)."""
        return _next_tokens(self.alias_prefixes)

    @cached_property
    def _alias_surfaces(self) -> list[str]:
        surfaces = []
        for record in self.actors_data:
            surfaces += [record["name"], *record.get("aliases", [])] + (
                [record["surname"]] if record.get("surname") else []
            )
        for record in self.bases_data:
            surfaces += [record["name"], *record.get("aliases", []), *record.get("descriptions", [])]
        return surfaces

    @cached_property
    def alias_first_tokens(self) -> frozenset[str]:
        """Tokens that can begin an alias: the matcher only starts there."""
        return frozenset(key.split()[0] for key in self.aliases)

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
        choices = []
        for index, token in enumerate(tokens):
            forms = self._token_variants(token)
            if token in {"al", "el"} and index < len(tokens) - 1:
                forms |= {"al", "el", ""}
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


@lru_cache(maxsize=1)
def load_knowledge() -> Knowledge:
    data, digest = {}, hashlib.sha256()
    for name in FILES:
        raw = (HERE / name).read_bytes()
        digest.update(raw)
        data[name] = json.loads(raw)
    return Knowledge(data, digest.hexdigest()[:12])
