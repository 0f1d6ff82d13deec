from motcua.core.text import fold, search_terms


def test_fold_removes_diacritics_and_case():
    assert fold("Đăng ký Khai sinh") == "dang ky khai sinh"


def test_fold_maps_the_letter_d_with_stroke_in_both_cases():
    assert fold("ĐỒNG đồng") == "dong dong"


def test_fold_collapses_whitespace():
    assert fold("  Hộ   tịch\n") == "ho tich"


def test_search_terms_are_the_folded_words():
    assert search_terms("Chứng thực  bản sao") == ["chung", "thuc", "ban", "sao"]
