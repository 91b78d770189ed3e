"""The one letter-folding table: what each fold does, and that a folded text keeps its offsets."""

import pytest

from shahrnameh.nlp.letters import ALL_LETTERS, ARABIC_LETTERS, DIRECTION_MARKS, FOLDS, HEH_FORMS, folding


def test_every_fold_is_one_character_for_one_so_offsets_survive():
    text = "مسئول هیأت «خراسان\u200e جنوبی» در منطقة ۳ و كوي مهدية، سامانۀ آب‌رسانی"
    folded = folding("".join(FOLDS))(text)
    assert len(folded) == len(text)
    assert folded == "مسءول هیءت «خراسان  جنوبی» در منطقه ۳ و کوی مهدیه، سامانه اب‌رسانی"


def test_no_fold_gives_a_letter_another_fold_changes():
    # So the order of the folds never matters.
    assert not set(FOLDS.values()) & set(FOLDS)


def test_a_folding_changes_only_the_characters_it_is_given():
    assert folding(ARABIC_LETTERS)("كۀ يى ة") == "کۀ یی ة"
    assert folding(ARABIC_LETTERS + HEH_FORMS)("كۀ يى ة") == "که یی ه"
    assert folding(ALL_LETTERS)("a\u200eb") == "a\u200eb"
    assert folding(DIRECTION_MARKS)("a\u200eb\u200fc") == "a b c"


def test_a_character_the_table_lacks_is_an_error_not_a_silent_no_op():
    with pytest.raises(KeyError, match="no fold for"):
        folding(ARABIC_LETTERS + "x")
