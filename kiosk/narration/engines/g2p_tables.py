"""hibari-tts's pronouncing tables in an SQLite file, read a word at a time, not held in memory.

hibari's spelling-to-sound step loads its lexicons and its tagger's weights as Python
dictionaries: about 97 MB in the worker (measured: lexicons 43 MB, tagger 54 MB), more than
the rest of the natural voice together. The set-up step copies them into one SQLite file
once; the worker then asks it for each word and feature (a few hundred lookups a sentence,
about a millisecond), and the tables cost it a few MB of page cache. The phonemes are the
same as hibari's own (tests/narration/test_neural.py compares them on the leaflets).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import sqlite3
from pathlib import Path
from typing import Any

from kiosk.paths import resources_dir

# What each table holds, from which of hibari's files (assets/), and which part of it.
_TABLES = {
    "gold": ("lexicon_us_gold.json.gz", None),
    "silver": ("lexicon_us_silver.json.gz", None),
    "tagdict": ("tagger.json.gz", "tagdict"),
    "weights": ("tagger.json.gz", "weights"),
    "vocab": ("tagger.json.gz", "vocab"),
}
_SOURCE_KEY = "source"  # in the meta table: the hibari-tts version the tables came from
_MISSING = object()


def tables_path() -> Path:
    """Where the set-up step puts the tables."""
    return resources_dir() / "voices" / "hibari-us-g2p.sqlite"


def _assets() -> Path:
    import hibari  # noqa: PLC0415

    return Path(hibari.__file__).resolve().parent / "assets"


def _version() -> str:
    import hibari  # noqa: PLC0415

    return str(hibari.__version__)


def is_current(target: Path) -> bool:
    """Whether ``target`` holds the tables of the installed hibari-tts."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{target}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (_SOURCE_KEY,)).fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == _version()


def build(target: Path) -> None:
    """Write ``target`` from the installed hibari-tts's tables, whole or not at all."""
    assets = _assets()
    loaded: dict[str, Any] = {}
    partial = target.with_name(f".{target.name}.part")
    partial.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(partial)) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID")
        db.execute("INSERT INTO meta VALUES (?, ?)", (_SOURCE_KEY, _version()))
        for table, (file, part) in _TABLES.items():
            if file not in loaded:
                with gzip.open(assets / file, "rt", encoding="utf-8") as source:
                    loaded[file] = json.load(source)
            data = loaded[file] if part is None else loaded[file][part]
            if part == "tagdict":  # the tagger's list of tags goes with it
                tags = json.dumps(loaded[file]["tags"])
                db.execute("INSERT INTO meta VALUES ('tags', ?)", (tags,))
            db.execute(f"CREATE TABLE {table} (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID")
            rows = (
                ((key, "1") for key in data)
                if isinstance(data, list)
                else ((key, json.dumps(value, ensure_ascii=False)) for key, value in data.items())
            )
            db.executemany(f"INSERT INTO {table} VALUES (?, ?)", rows)
        db.commit()
    partial.replace(target)


class _Table:
    """One table, answering ``get`` and ``in`` as the dictionary it replaces did."""

    def __init__(self, db: sqlite3.Connection, table: str) -> None:
        self._db = db
        self._select = f"SELECT value FROM {table} WHERE key = ?"

    def get(self, key: str, default: Any = None) -> Any:
        row = self._db.execute(self._select, (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def __contains__(self, key: object) -> bool:
        return (
            isinstance(key, str) and self._db.execute(self._select, (key,)).fetchone() is not None
        )

    def __getitem__(self, key: str) -> Any:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            raise KeyError(key)
        return value


def compact_g2p(path: Path) -> Any:
    """hibari's American English G2P with its tables read from ``path``.

    Built around hibari 0.2.1's G2P, whose lexicon and tagger only ever call ``get`` and ``in``
    on these tables. Raises sqlite3.Error for a file that is not the tables.
    """
    from hibari.g2p import G2P, Lexicon, Tagger, Tokenizer, _load_json  # noqa: PLC0415

    db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    missing = set(_TABLES) - {
        row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if missing:
        raise sqlite3.DatabaseError(f"{path} has no table {sorted(missing)[0]}")
    g2p = G2P.__new__(G2P)
    g2p.lexicon = Lexicon(_Table(db, "gold"), _Table(db, "silver"), False)
    g2p.tokenizer = Tokenizer(_load_json("tokenizer_exceptions.json"))
    tagger = Tagger.__new__(Tagger)
    tagger.tagdict = _Table(db, "tagdict")
    tagger.weights = _Table(db, "weights")
    tagger.vocab = _Table(db, "vocab")
    tagger.tags = json.loads(db.execute("SELECT value FROM meta WHERE key = 'tags'").fetchone()[0])
    g2p.tagger = tagger
    g2p._oov = None
    g2p.unk = ""
    g2p.british = False
    return g2p
