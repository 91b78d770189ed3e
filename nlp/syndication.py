"""Near-duplicate stories (syndication): shingles, MinHash signatures, LSH band keys.

The same story is republished by several agencies with small edits: a new headline, a
different sign-off, a paragraph cut or added, «ي» for «ی», a zero-width non-joiner written
as a space or left out. Two copies share most of their character 12-grams; two different
stories on the same topic share their vocabulary but few 12-grams. So:

- `shingles(text)`: the set of character 12-grams of the text's letters and digits, after
  folding the spelling differences copies do not agree on (Arabic ي/ك/ة, Persian and Arabic
  digits, harakat) and dropping spaces, ZWNJ and punctuation. Without the spaces, «آتش‌نشانی»,
  «آتش نشانی» and «آتشنشانی» shingle alike: with word 3-grams a copy whose ZWNJs became
  spaces kept only 0.68 of its shingles; on real pairs 12-grams separate copies from
  same-topic stories as well as word 3-grams did (docs/reports-and-syndication.md).
- `signature(shingles)`: a MinHash of 128 permutations with a fixed seed, so a signature
  computed tonight equals one computed next year (datasketch, pinned in requirements.lock).
- `band_keys(signature)`: 18 bands of 7 rows. Two texts with Jaccard similarity s share at
  least one band with probability 1 − (1 − s⁷)¹⁸: 0.40 at s = 0.6, 0.79 at 0.7, 0.99 at 0.8,
  0.03 at 0.4, 0.004 at 0.3. The S-curve's midpoint, (1/18)^(1/7) ≈ 0.66, is the threshold
  datasketch's MinHashLSH picks for 0.6 at 128 permutations (equal weights on false
  positives and negatives).
- `estimated_similarity(a, b)`: the MinHash estimate of Jaccard similarity (±0.04 at 128
  permutations); `jaccard(a, b)`: the exact value, for confirming a candidate when both
  texts are at hand.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

import numpy as np

from shahrnameh.nlp.letters import ARABIC_LETTERS, HEH_FORMS, folds

SHINGLE_CHARS = 12
NUM_PERM = 128
SEED = 20261125
BANDS = 18
ROWS = 7
# Measured: copies of one story 0.75 and above, different stories of one topic 0.11 and
# 0.25; 0.5 leaves room for heavier edits without coming near unrelated stories.
SAME_STORY = 0.5

# Hamza seats fold to their seat's letter here, not to «ء» as in nlp.letters: stored band keys
# were made so, and a signature computed tonight must equal one computed next year.
_FOLD = str.maketrans({
    **folds(ARABIC_LETTERS + HEH_FORMS + "آ"), "ئ": "ی", "أ": "ا", "إ": "ا", "ؤ": "و",
    "\u200c": "", "\u200d": "", "\u00a0": " ",
    **{chr(0x06F0 + i): str(i) for i in range(10)},
    **{chr(0x0660 + i): str(i) for i in range(10)},
})
_WORD = re.compile(r"\d+|[^\W\d_]+")


def words(text: str) -> list[str]:
    """The text's words (runs of letters, runs of digits), spelling differences between copies folded away."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    folded = unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()
    # Harakat and tanwin: present in one copy, dropped in another.
    folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Mn")
    return _WORD.findall(folded)


def shingles(text: str, size: int = SHINGLE_CHARS) -> frozenset[str]:
    """The character `size`-grams of the text's words run together; a shorter text is one shingle."""
    letters = "".join(words(text))
    if not letters:
        return frozenset()
    if len(letters) <= size:
        return frozenset([letters])
    return frozenset(letters[i:i + size] for i in range(len(letters) - size + 1))


def signature(shingle_set: Iterable[str]) -> np.ndarray:
    """MinHash hash values (NUM_PERM unsigned ints) of a shingle set; same set, same values, always."""
    # Imported here: datasketch imports scipy (over a second), which a run storing no new
    # article never needs.
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update_batch([s.encode("utf-8") for s in shingle_set])
    return minhash.hashvalues.astype("<u8")


def band_keys(sig: np.ndarray) -> list[tuple[int, str]]:
    """(band, bucket) pairs: two signatures agreeing on all ROWS values of a band share its bucket.

    The bucket is 32 hex characters (a 128-bit BLAKE2b of the band's values), the width of
    article_bands.bucket; fixed byte order, so keys match across machines.
    """
    values = np.asarray(sig, dtype="<u8")
    if values.shape != (NUM_PERM,):
        raise ValueError(f"a signature has {NUM_PERM} values, not {values.shape}")
    return [(band, hashlib.blake2b(values[band * ROWS:(band + 1) * ROWS].tobytes(), digest_size=16).hexdigest())
            for band in range(BANDS)]


def estimated_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The MinHash estimate of the Jaccard similarity of the two sets behind the signatures."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"signatures of different lengths: {a.shape} and {b.shape}")
    return float(np.count_nonzero(a == b)) / len(a)


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    """Exact Jaccard similarity of two shingle sets; 0.0 when both are empty."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0
