"""hazm's word and verb lists, and its Normalizer class, loaded without `import hazm`.

`import hazm` runs hazm/__init__, which imports every hazm module (POS taggers, parsers,
corpus readers) and, through them, all of nltk and scipy: about 2 s before a word is
read, for a Normalizer that needs none of it. `hazm_module()` imports just the modules it
asks for (hazm.normalizer needs hazm.utils, hazm.constants, hazm.word_tokenizer,
hazm.lemmatizer and two small nltk interface modules), with the package bodies of hazm,
nltk, nltk.tokenize and nltk.stem deferred: their modules exist, with their real
__spec__ and __path__, and run their own __init__ the first time anything else is asked
of them (or any other of their modules is imported), so a later `import hazm`,
`import nltk` or `from nltk.corpus import …` elsewhere in the process still gets the
whole package.

hazm's Normalizer also reads words.dat twice and conjugates every verb at start-up
(WordTokenizer, then Lemmatizer's own WordTokenizer); here the word list is read once for
both the Normalizer and nlp.zwnj, and what is read is kept in a cache file
($SHAHRNAMEH_CACHE, else ~/.cache/shahrnameh) that the next process loads instead.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import marshal
import os
import sys
import threading
from functools import lru_cache
from pathlib import Path
from types import ModuleType

# Parents first: a deferred package must exist before its sub-packages are deferred.
_DEFERRED_PACKAGES = ("nltk", "nltk.tokenize", "nltk.stem", "hazm")
_lock = threading.RLock()


def _materialise_first(name: str) -> None:
    # What a normal import would have run before `name`'s own __init__: its parent
    # packages and, for hazm, nltk (hazm/__init__ imports nltk.corpus, whose import cycles
    # only resolve once nltk/__init__ has laid out the package in its own order).
    first = [name.rpartition(".")[0]] if "." in name else []
    if name == "hazm":
        first.append("nltk")
    for other in filter(None, first):
        _materialise_first(other)
        module = sys.modules.get(other)
        if module is not None:
            _materialise(module)


def _materialise(module: ModuleType) -> None:
    with _lock:
        if not module.__dict__.pop("_shahrnameh_deferred", False):
            return
        module.__dict__.pop("__getattr__", None)
        module.__spec__.loader.exec_module(module)


def _defer(name: str) -> None:
    if name in sys.modules:
        return  # already imported for real (or deferred): nothing to save
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        raise ImportError(f"{name} is not installed")
    module = importlib.util.module_from_spec(spec)

    def __getattr__(attribute: str):
        # `from nltk import redos` asks the package for a sub-module first: import just it.
        if not attribute.startswith("__") and importlib.util.find_spec(f"{name}.{attribute}") is not None:
            return importlib.import_module(f"{name}.{attribute}")
        _materialise_first(name)
        _materialise(module)
        return getattr(module, attribute)

    module.__getattr__ = __getattr__
    module._shahrnameh_deferred = True
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)


def _is_deferred(name: str) -> bool:
    module = sys.modules.get(name)
    return module is not None and bool(module.__dict__.get("_shahrnameh_deferred"))


class _AlreadyLoaded(importlib.abc.Loader):
    """Hands the import system a module that completing its package just loaded."""

    def __init__(self, module: ModuleType):
        self.module, self.spec = module, module.__spec__

    def create_module(self, spec):
        return self.module

    def exec_module(self, module) -> None:
        module.__spec__ = self.spec  # the import system set ours; the module keeps its own


class _CompleteDeferredPackages(importlib.abc.MetaPathFinder):
    """Any other import from a deferred package (`import nltk.corpus`, `import
    hazm.pos_tagger`) first runs that package's own __init__, as a normal import would."""

    light_loader: int | None = None  # the thread inside hazm_module(), which imports lightly

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith(_DEFERRED_PACKAGES) or self.light_loader == threading.get_ident():
            return None
        with _lock:  # another thread's light import finishes first
            pending = [name for name in _DEFERRED_PACKAGES
                       if fullname.startswith(name + ".") and _is_deferred(name)]
            for name in pending:  # parents first: _DEFERRED_PACKAGES is in that order
                _materialise_first(name)
                _materialise(sys.modules[name])
        module = sys.modules.get(fullname)
        if not pending or module is None:
            return None  # the usual finders go on, the parents now whole
        return importlib.util.spec_from_loader(fullname, _AlreadyLoaded(module))


_FINDER = _CompleteDeferredPackages()


def hazm_module(name: str) -> ModuleType:
    """`hazm.<name>` (e.g. "normalizer"), imported without running hazm/__init__ or nltk's."""
    with _lock:
        if _FINDER not in sys.meta_path:
            sys.meta_path.insert(0, _FINDER)
        _FINDER.light_loader = threading.get_ident()
        try:
            for package in _DEFERRED_PACKAGES:
                _defer(package)
            return importlib.import_module(f"hazm.{name}")
        finally:
            _FINDER.light_loader = None


def hazm_data(name: str) -> Path:
    """A file of hazm's data folder, found without importing hazm."""
    spec = importlib.util.find_spec("hazm")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("hazm is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / name


# Bump when what _build() stores changes, so old cache files are not read.
_CACHE_FORMAT = 3
_VERB_JOINERS = ("\u200c", "_")


def _parse_words() -> tuple[dict[str, tuple[int, str]], frozenset[str]]:
    words: dict[str, tuple[int, str]] = {}
    adjectives: set[str] = set()
    with hazm_data("words.dat").open(encoding="utf-8") as lines:
        for line in lines:
            item = line.strip().split("\t")  # hazm.utils.words_list's own parsing
            if len(item) == 3:
                words[item[0]] = (int(item[1]), item[2])
                if "AJ" in item[2].split(","):
                    adjectives.add(item[0])
    return words, frozenset(adjectives)


def _parse_verb_forms() -> frozenset[str]:
    conjugation = hazm_module("lemmatizer").Conjugation()
    forms = {"است"}
    with hazm_data("verbs.dat").open(encoding="utf-8") as lines:
        for verb in lines:
            verb = verb.strip()
            if verb:
                forms.update(conjugation.get_all(verb))
    # Only forms with a ZWNJ or a «_» are ever looked up (see verb_forms()).
    return frozenset(form for form in forms if any(joiner in form for joiner in _VERB_JOINERS))


def cache_folder() -> Path:
    """$SHAHRNAMEH_CACHE, else the user's cache folder: not the data home, so that every
    warehouse (and every test's data home) shares one cache built once per machine."""
    explicit = os.environ.get("SHAHRNAMEH_CACHE")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "shahrnameh"


def _cache_file() -> Path:
    folder = cache_folder()
    sources = [hazm_data(name).stat() for name in ("words.dat", "verbs.dat")]
    key = "-".join(f"{s.st_size}.{s.st_mtime_ns}" for s in sources)
    return folder / f"hazm-lexicon-{_CACHE_FORMAT}-{key}.marshal"


def _build() -> tuple:
    words, adjectives = _parse_words()
    return words, adjectives, _parse_verb_forms(), tuple(word for word in words if "\u200c" in word)


_INFLECTION = (0, "0")  # 158k entries: the list's generated inflections


def _flat(tables: tuple) -> tuple:
    # Newline-joined strings, and one shared value for the 158k generated inflections:
    # marshal loads these, and dict.fromkeys builds the dict, several times faster than
    # 193k (count, tags) tuples and a set of 213k strings.
    words, adjectives, verbs, zwnj_words = tables
    inflections = [word for word, entry in words.items() if entry == _INFLECTION]
    others = [word for word, entry in words.items() if entry != _INFLECTION]
    return (_CACHE_FORMAT, "\n".join(inflections), "\n".join(others), [words[w][0] for w in others],
            "\n".join(words[w][1] for w in others), "\n".join(adjectives), "\n".join(verbs),
            "\n".join(zwnj_words))


def _unflat(flat: tuple) -> tuple:
    version, inflections, others, counts, tags, adjectives, verbs, zwnj_words = flat
    if version != _CACHE_FORMAT:
        raise ValueError("another cache format")
    words = dict.fromkeys(inflections.split("\n"), _INFLECTION)
    others = others.split("\n")
    words.update(zip(others, zip(counts, tags.split("\n"))))
    if len(others) != len(counts):
        raise ValueError("damaged cache")
    return (words, frozenset(adjectives.split("\n")), frozenset(verbs.split("\n")),
            tuple(zwnj_words.split("\n")))


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, tuple[int, str]], frozenset[str], frozenset[str], tuple[str, ...]]:
    """(words, adjectives, verb forms, words with a ZWNJ), from the cache file when one matches hazm's data
    files (loading it is several times faster than reading and conjugating), else built
    and the cache file written for the next process. A cache that cannot be read or
    written is only slower, never an error."""
    path = None
    try:
        path = _cache_file()
        return _unflat(marshal.loads(path.read_bytes()))
    except (OSError, ValueError, EOFError, TypeError):
        pass
    tables = _build()
    if path is None:
        return tables
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps(_flat(tables)))
        os.replace(partial, path)  # whole or absent, for processes starting alongside
        for stale in path.parent.glob("hazm-lexicon-*.marshal"):
            if stale != path:  # built from an earlier hazm or an older format
                stale.unlink(missing_ok=True)
    except (OSError, ValueError):
        pass
    return tables


def words() -> dict[str, tuple[int, str]]:
    """words.dat: word → (frequency, POS tags as written, comma-separated; «0» for the
    list's generated inflections). hazm's Normalizer reads only the frequency."""
    return _tables()[0]


def word_tags(word: str) -> frozenset[str]:
    """The POS tags words.dat gives `word` («N», «AJ», «PL», …); {"0"} for a generated
    inflection or a word the list lacks."""
    return frozenset(words().get(word, (0, "0"))[1].split(","))


def adjectives() -> frozenset[str]:
    """Words that any line of words.dat tags AJ (a few words are listed twice)."""
    return _tables()[1]


def verb_forms() -> frozenset[str]:
    """The conjugated forms of hazm's verbs (`Lemmatizer(joined_verb_parts=False).verbs`)
    that hold a ZWNJ or a «_»: the Normalizer looks up only «X‌Y» (joining two tokens)
    and «X_Y», and the «می» rule only «می‌X»."""
    return _tables()[2]


@lru_cache(maxsize=1)
def _stems() -> tuple[frozenset[str], frozenset[str]]:
    # verbs.dat lines are «past#present»; a small file, read as it is.
    past, present = set(), set()
    with hazm_data("verbs.dat").open(encoding="utf-8") as lines:
        for line in lines:
            before, _, after = line.strip().partition("#")
            past.update([before] if len(before) >= 2 else [])
            present.update([after] if len(after) >= 2 else [])
    return frozenset(past), frozenset(present)


def past_stems() -> frozenset[str]:
    """The past stems of hazm's verbs («گرفت», «شمرد»), two letters or more."""
    return _stems()[0]


def present_stems() -> frozenset[str]:
    """The present stems of hazm's verbs («گیر», «کن», «بند»), two letters or more."""
    return _stems()[1]


def zwnj_words() -> tuple[str, ...]:
    """The listed words spelled with a ZWNJ (13k of the 193k)."""
    return _tables()[3]
