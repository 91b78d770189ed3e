"""hazm's word and verb lists, and its Normalizer class, loaded without `import hazm`.

`import hazm` runs hazm/__init__, which imports every hazm module (POS taggers, parsers,
corpus readers) and, through them, all of nltk and scipy: about 2 s before a word is
read, for a Normalizer that needs none of it. `hazm_module()` imports just the modules it
asks for (hazm.normalizer needs hazm.utils, hazm.constants, hazm.word_tokenizer,
hazm.lemmatizer and two small nltk interface modules), with the package bodies of hazm,
nltk, nltk.tokenize and nltk.stem deferred: their modules exist, with their real
__spec__ and __path__, and run their own __init__ the first time anything else is asked
of them, so a later `import hazm` or `import nltk` elsewhere in the process still gets
the whole package.

hazm's Normalizer also reads words.dat twice and conjugates every verb at start-up
(WordTokenizer, then Lemmatizer's own WordTokenizer); `words()` reads it once for both
the Normalizer and nlp.zwnj.
"""

from __future__ import annotations

import importlib
import importlib.util
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


def hazm_module(name: str) -> ModuleType:
    """`hazm.<name>` (e.g. "normalizer"), imported without running hazm/__init__ or nltk's."""
    with _lock:
        for package in _DEFERRED_PACKAGES:
            _defer(package)
        return importlib.import_module(f"hazm.{name}")


def hazm_data(name: str) -> Path:
    """A file of hazm's data folder, found without importing hazm."""
    spec = importlib.util.find_spec("hazm")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("hazm is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / name


@lru_cache(maxsize=1)
def _read_words() -> tuple[dict[str, tuple[int, tuple[str, ...]]], frozenset[str]]:
    result: dict[str, tuple[int, tuple[str, ...]]] = {}
    adjectives: set[str] = set()
    with hazm_data("words.dat").open(encoding="utf-8") as lines:
        for line in lines:
            item = line.strip().split("\t")  # hazm.utils.words_list's own parsing
            if len(item) == 3:
                tags = tuple(item[2].split(","))
                result[item[0]] = (int(item[1]), tags)
                if "AJ" in tags:
                    adjectives.add(item[0])
    return result, frozenset(adjectives)


def words() -> dict[str, tuple[int, tuple[str, ...]]]:
    """words.dat as hazm's WordTokenizer.words holds it: word → (frequency, POS tags)."""
    return _read_words()[0]


def adjectives() -> frozenset[str]:
    """Words that any line of words.dat tags AJ (a few words are listed twice)."""
    return _read_words()[1]


@lru_cache(maxsize=1)
def verb_forms() -> frozenset[str]:
    """Every conjugated form of hazm's verbs, as `Lemmatizer(joined_verb_parts=False).verbs`
    lists them: what the Normalizer checks before it joins «می» to a verb."""
    conjugation = hazm_module("lemmatizer").Conjugation()
    forms = {"است"}
    with hazm_data("verbs.dat").open(encoding="utf-8") as lines:
        for verb in lines:
            verb = verb.strip()
            if verb:
                forms.update(conjugation.get_all(verb))
    return frozenset(forms)
