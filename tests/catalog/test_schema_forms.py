from __future__ import annotations

import copy
import functools
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.http import QueryDict
from django.utils.html import escape
from hypothesis import find, given
from hypothesis import strategies as st

import motcua.catalog
from motcua.catalog.loader import load_file
from motcua.catalog.schema_forms import (
    UnknownPage,
    answers,
    apply_page,
    field_name,
    page_form,
    page_of,
    pages,
    prefill,
    validate,
)
from motcua.catalog.schema_forms.tree import MAX_ROWS

DECLARATION = "Tôi cam đoan những nội dung khai trên là đúng sự thật"
ID_NUMBER = {
    "type": "string",
    "title": "Số định danh cá nhân",
    "description": "12 chữ số, in trên thẻ căn cước",
    "pattern": "^[0-9]{12}$",
}


def person(title: str, required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "title": title,
        "properties": {
            "ho_ten": {"type": "string", "title": "Họ, chữ đệm và tên", "minLength": 1},
            "so_dinh_danh": ID_NUMBER,
            "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"},
            "dien_thoai": {"type": "string", "title": "Số điện thoại", "pattern": "^0[0-9]{9}$"},
            "email": {"type": "string", "format": "email", "title": "Thư điện tử"},
            "noi_cu_tru": {"type": "string", "title": "Nơi cư trú"},
            "dan_toc": {"type": "string", "title": "Dân tộc", "default": "Kinh"},
        },
        "required": required if required is not None else ["ho_ten"],
        **extra,
    }


# A birth registration, shaped like the demo catalogue's.
BIRTH: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "title": "Tờ khai đăng ký khai sinh",
    "properties": {
        "nguoi_yeu_cau": person("Người yêu cầu", ["ho_ten", "so_dinh_danh"]),
        "quan_he": {"type": "string", "title": "Quan hệ với người được khai sinh"},
        "me": person("Thông tin người mẹ"),
        "cha": person("Thông tin người cha", description="Để trống nếu chưa xác định được cha"),
        "so_ban_sao": {
            "type": "integer",
            "title": "Số bản sao",
            "minimum": 0,
            "maximum": 20,
            "default": 0,
        },
        "hinh_thuc_nhan": {
            "type": "string",
            "title": "Hình thức nhận kết quả",
            "enum": ["Trực tiếp", "Qua bưu chính"],
        },
        "cam_doan": {"type": "boolean", "title": DECLARATION, "const": True},
    },
    "required": ["nguoi_yeu_cau", "quan_he", "me", "cam_doan"],
}

SEVEN_CHOICES = ["Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy"]

# One question of each kind, on one page.
KINDS: dict[str, Any] = {
    "type": "object",
    "title": "Các loại câu hỏi",
    "properties": {
        "ten": {"type": "string", "title": "Tên", "maxLength": 50},
        "mo_ta": {"type": "string", "title": "Mô tả chi tiết", "maxLength": 2000},
        "ngay": {"type": "string", "format": "date", "title": "Ngày cấp"},
        "thu": {"type": "string", "format": "email", "title": "Thư điện tử"},
        "so_ban": {"type": "integer", "title": "Số bản", "minimum": 1, "maximum": 20},
        "von": {"type": "integer", "title": "Vốn (đồng)", "minimum": 0},
        "dien_tich": {"type": "number", "title": "Diện tích (m²)", "exclusiveMinimum": 0},
        "gioi_tinh": {"type": "string", "title": "Giới tính", "enum": ["Nam", "Nữ"]},
        "loai": {"type": "string", "title": "Loại giấy tờ", "enum": SEVEN_CHOICES},
        "ngoai_tru_so": {"type": "boolean", "title": "Thực hiện ngoài trụ sở"},
        "noi_dung": {
            "type": "array",
            "title": "Nội dung xác nhận",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "enum": ["Diện tích", "Tranh chấp", "Địa điểm"]},
        },
        "la": {"type": "galaxy", "title": "Kiểu lạ"},
        "cam_doan": {"type": "boolean", "title": DECLARATION, "const": True},
    },
    "required": ["ten", "ngay", "so_ban", "gioi_tinh", "loai", "noi_dung", "cam_doan"],
}

PARTIES: dict[str, Any] = {
    "type": "object",
    "title": "Yêu cầu chứng thực hợp đồng",
    "properties": {
        "nguoi_nop": person("Người nộp"),
        "cac_ben": {
            "type": "array",
            "title": "Các bên tham gia giao dịch",
            "minItems": 2,
            "items": {
                "type": "object",
                "title": "Bên tham gia",
                "properties": {
                    "ho_ten": {"type": "string", "title": "Họ và tên", "minLength": 1},
                    "so_dinh_danh": ID_NUMBER,
                    "so_ban": {"type": "integer", "title": "Số bản", "minimum": 1, "default": 1},
                },
                "required": ["ho_ten"],
            },
        },
    },
    "required": ["nguoi_nop", "cac_ben"],
}


ONE_PAGE = 100  # single_page_max that keeps a form on one page


def kinds_form(**kwargs: Any) -> Any:
    return page_form(KINDS, "to-khai", single_page_max=ONE_PAGE, **kwargs)


def kinds_apply(data: dict[str, Any], cleaned: dict[str, Any]) -> dict[str, Any]:
    return apply_page(KINDS, "to-khai", data, cleaned, single_page_max=ONE_PAGE)


def kinds_answers(data: dict[str, Any]) -> Any:
    return answers(KINDS, data, single_page_max=ONE_PAGE)


def post(**values: Any) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in values.items():
        if isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    return query


def kinds_post(**changes: Any) -> QueryDict:
    values = {
        "ten": "Giấy khai sinh",
        "ngay": "25/08/1990",
        "so_ban": "2",
        "gioi_tinh": "Nữ",
        "loai": "Sáu",
        "noi_dung": ["Tranh chấp"],
        "cam_doan": "on",
    }
    values.update(changes)
    return post(**{k: v for k, v in values.items() if v is not None})


def errors_of(form: Any) -> dict[str, list[str]]:
    form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


# pages -----------------------------------------------------------------------------------


def test_each_object_is_a_page_and_questions_between_objects_share_one():
    keys = [(p.key, p.title) for p in pages(BIRTH)]
    assert keys == [
        ("nguoi_yeu_cau", "Người yêu cầu"),
        ("thong-tin-chung", "Quan hệ với người được khai sinh"),
        ("me", "Thông tin người mẹ"),
        ("cha", "Thông tin người cha"),
        ("thong-tin-chung-2", "Thông tin chung"),
    ]
    last = pages(BIRTH)[-1]
    assert last.paths == ["so_ban_sao", "hinh_thuc_nhan", "cam_doan"]
    assert pages(BIRTH)[3].description == "Để trống nếu chưa xác định được cha"


def test_an_array_is_a_page_of_its_own_with_item_paths():
    array_page = pages(PARTIES, single_page_max=0)[1]
    assert array_page.key == "cac_ben"
    assert array_page.paths == ["cac_ben.*.ho_ten", "cac_ben.*.so_dinh_danh", "cac_ben.*.so_ban"]


def test_a_small_form_is_a_single_page():
    schema = {"type": "object", "title": "Đơn ngắn", "properties": {"a": {"type": "string"}}}
    assert [(p.key, p.title, p.paths) for p in pages(schema)] == [("to-khai", "Đơn ngắn", ["a"])]
    assert len(pages(schema, single_page_max=0)) == 1
    assert len(pages(BIRTH, single_page_max=ONE_PAGE)) == 1


def test_page_keys_are_url_safe_and_unique_whatever_the_property_names():
    obj = {"type": "object", "properties": {"x": {"type": "string"}}}
    schema = {
        "type": "object",
        "properties": {"Người ký": obj, "nguoi-ky": obj, "thong-tin-chung": obj, "z": {}},
    }
    keys = [p.key for p in pages(schema, single_page_max=0)]
    assert keys == ["nguoi-ky", "nguoi-ky-2", "thong-tin-chung", "thong-tin-chung-2"]


@pytest.mark.parametrize(
    "schema",
    [{}, None, [], {"type": "string"}, {"type": "object", "properties": "x"}, {"properties": {}}],
)
def test_no_schema_or_an_unreadable_one_has_no_pages_and_no_problems(schema):
    assert pages(schema) == []
    assert answers(schema, {}) == []
    assert prefill(schema, profile={"ho_ten": "A"}, previous=[]) == {}


def test_page_of_names_the_page_that_asks_a_question():
    assert page_of(BIRTH, "cha.ho_ten") == "cha"
    assert page_of(BIRTH, "cam_doan") == "thong-tin-chung-2"
    assert page_of(BIRTH, "khong_co") == "nguoi_yeu_cau"
    assert page_of({}, "x") == ""


def test_an_unknown_page_is_a_lookup_error():
    with pytest.raises(UnknownPage):
        page_form(BIRTH, "khong-co", data={})
    with pytest.raises(LookupError):
        apply_page(BIRTH, "khong-co", {}, {})


# page_form: fields and widgets -----------------------------------------------------------


def test_nested_objects_are_flattened_and_labelled_by_their_titles():
    form = page_form(BIRTH, "me", data={})
    assert list(form.fields)[:2] == ["me__ho_ten", "me__so_dinh_danh"]
    assert form.fields["me__ho_ten"].label == "Họ, chữ đệm và tên"
    assert form.fields["me__so_dinh_danh"].help_text == "12 chữ số, in trên thẻ căn cước"
    assert field_name(("cac_ben", 0, "ho_ten")) == "cac_ben__0__ho_ten"


def test_each_kind_of_question_gets_its_widget():
    html = str(kinds_form(data={}))
    assert 'type="text" name="ten" maxlength="50"' in html
    assert '<textarea name="mo_ta" cols="40" rows="5" maxlength="2000"' in html
    assert 'type="date" name="ngay"' in html
    assert 'type="email" name="thu"' in html
    assert 'name="so_ban" inputmode="numeric"' in html
    assert 'name="dien_tich" inputmode="decimal"' in html
    assert 'type="radio" name="gioi_tinh" value="Nữ"' in html
    assert '<select name="loai"' in html
    assert '<option value="" selected>— Chọn —</option>' in html
    assert 'type="checkbox" name="ngoai_tru_so"' in html
    assert 'type="checkbox" name="noi_dung" value="Tranh chấp"' in html
    assert 'type="text" name="la"' in html  # an unknown type is a text question
    assert 'type="checkbox" name="cam_doan" required' in html


def test_an_optional_long_list_of_choices_offers_an_empty_choice():
    schema = copy.deepcopy(KINDS)
    schema["required"].remove("loai")
    form = page_form(schema, "to-khai", data={}, post=kinds_post(loai=""), single_page_max=ONE_PAGE)
    assert form.is_valid(), form.errors
    assert form.fields["loai"].choices[0][0] == ""
    cleaned = form.cleaned_data
    assert "loai" not in apply_page(schema, "to-khai", {}, cleaned, single_page_max=ONE_PAGE)


def test_a_filled_page_is_valid_and_cleaned_to_python_values():
    form = kinds_form(data={}, post=kinds_post(von="1.000.000", dien_tich="12,5"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["ngay"] == date(1990, 8, 25)
    assert form.cleaned_data["von"] == 1000000
    assert form.cleaned_data["dien_tich"] == Decimal("12.5")
    assert form.cleaned_data["ngoai_tru_so"] is False
    assert form.cleaned_data["noi_dung"] == ["Tranh chấp"]


@pytest.mark.parametrize("typed", ["25/08/1990", "2025-08-25", "5/8/1990"])
def test_a_date_is_accepted_as_dd_mm_yyyy_or_as_the_browser_sends_it(typed):
    form = kinds_form(data={}, post=kinds_post(ngay=typed))
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("typed", ["31/02/2025", "2025-13-01", "hôm qua"])
def test_an_impossible_date_is_refused_in_vietnamese(typed):
    errors = errors_of(kinds_form(data={}, post=kinds_post(ngay=typed)))
    assert errors["ngay"] == [
        "“Ngày cấp” phải là một ngày có thật, dạng dd/mm/yyyy, ví dụ 25/08/1990."
    ]


@pytest.mark.parametrize(
    ("name", "typed", "message"),
    [
        ("so_ban", "0", "“Số bản” không được nhỏ hơn 1."),
        ("so_ban", "21", "“Số bản” không được lớn hơn 20."),
        ("so_ban", "2,5", "“Số bản” phải là một số nguyên, ví dụ 2."),
        ("so_ban", "hai", "“Số bản” phải là một số nguyên, ví dụ 2."),
        ("dien_tich", "0", "“Diện tích (m²)” phải lớn hơn 0."),
        ("dien_tich", "NaN", "“Diện tích (m²)” phải là một số, ví dụ 12,5."),
        (
            "thu",
            "ten@",
            "“Thư điện tử” phải là địa chỉ thư điện tử đúng dạng, ví dụ ten@example.com.",
        ),
        ("ten", "x" * 51, "“Tên” không được dài quá 50 ký tự."),
        ("ten", "", "Chưa khai “Tên”."),
        ("gioi_tinh", "", "Chưa chọn “Giới tính”."),
        ("gioi_tinh", "Khác", "“Giới tính” phải là một trong các lựa chọn: Nam, Nữ."),
        ("noi_dung", [], "Chưa chọn “Nội dung xác nhận”."),
        ("cam_doan", None, f"Cần đánh dấu vào ô xác nhận: “{DECLARATION}”."),
    ],
)
def test_wrong_answers_get_a_vietnamese_message_naming_the_question(name, typed, message):
    errors = errors_of(kinds_form(data={}, post=kinds_post(**{name: typed})))
    assert errors == {name: [message]}


def test_a_pattern_message_quotes_the_questions_description():
    data = post(nguoi_yeu_cau__ho_ten="A", nguoi_yeu_cau__so_dinh_danh="12345")
    form = page_form(BIRTH, "nguoi_yeu_cau", data={}, post=data)
    assert errors_of(form)["nguoi_yeu_cau__so_dinh_danh"] == [
        "“Số định danh cá nhân” không đúng định dạng (12 chữ số, in trên thẻ căn cước)."
    ]


def test_a_pattern_without_description_still_says_what_is_wrong():
    data = post(nguoi_yeu_cau__ho_ten="A", nguoi_yeu_cau__so_dinh_danh="0" * 12)
    data["nguoi_yeu_cau__dien_thoai"] = "12"
    errors = errors_of(page_form(BIRTH, "nguoi_yeu_cau", data={}, post=data))
    assert errors == {"nguoi_yeu_cau__dien_thoai": ["“Số điện thoại” không đúng định dạng."]}


def test_a_title_with_a_percent_sign_does_not_break_the_message():
    schema = {
        "type": "object",
        "properties": {"ty_le": {"type": "integer", "title": "Tỷ lệ (%)", "maximum": 100}},
    }
    errors = errors_of(page_form(schema, "to-khai", data={}, post=post(ty_le="101")))
    assert errors == {"ty_le": ["“Tỷ lệ (%)” không được lớn hơn 100."]}


def test_descriptions_from_the_catalogue_are_escaped():
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string", "title": "<i>A</i>", "description": "<b>x</b>"}},
    }
    html = str(page_form(schema, "to-khai", data={}))
    assert "<b>" not in html and "<i>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_initial_values_come_from_the_answers_so_far_then_the_defaults():
    data = {"me": {"ho_ten": "Lê Thị Hoa", "ngay_sinh": "1992-03-04"}}
    form = page_form(BIRTH, "me", data=data, prefix="buoc")
    html = str(form)
    assert 'name="buoc-me__ho_ten" value="Lê Thị Hoa"' in html
    assert 'type="date" name="buoc-me__ngay_sinh" value="1992-03-04"' in html
    assert 'name="buoc-me__dan_toc" value="Kinh"' in html


def test_a_date_saved_as_dd_mm_yyyy_is_shown_back_as_the_browser_expects():
    form = page_form(BIRTH, "me", data={"me": {"ngay_sinh": "04/03/1992"}})
    assert 'value="1992-03-04"' in str(form)


def test_numbers_and_choices_are_shown_back():
    data = {"so_ban": 3, "dien_tich": 12.5, "loai": "Sáu", "noi_dung": ["Địa điểm"], "la": {}}
    form = kinds_form(data=data)
    assert form.initial["so_ban"] == "3"
    assert form.initial["dien_tich"] == "12,5"
    assert form.initial["loai"] == "Sáu"
    assert form.initial["noi_dung"] == ["Địa điểm"]
    assert "la" not in form.initial  # an object where a text was expected is not shown


def test_the_page_object_has_no_legend_but_a_group_inside_a_page_does():
    single = page_form(BIRTH, "to-khai", data={}, single_page_max=ONE_PAGE)
    legends = [f.legend for f in single.fieldsets]
    assert legends[:2] == ["Người yêu cầu", ""]
    assert "Thông tin người cha" in legends
    html = str(single)
    assert '<fieldset class="field-group" id="fs_cha" aria-describedby="fs_cha_hint">' in html
    assert '<p class="hint" id="fs_cha_hint">Để trống nếu chưa xác định được cha</p>' in html
    one_object = page_form(BIRTH, "me", data={})
    assert [f.legend for f in one_object.fieldsets] == [""]


def test_a_single_page_form_of_one_object_keeps_its_title_as_a_legend():
    schema = {"type": "object", "title": "Đơn", "properties": {"nguoi": person("Người đề nghị")}}
    assert [p.key for p in pages(schema)] == ["to-khai"]
    assert [f.legend for f in page_form(schema, "to-khai", data={}).fieldsets] == ["Người đề nghị"]
    [section] = answers(schema, {"nguoi": {"ho_ten": "An"}})
    assert section.rows[0].label == "Người đề nghị – Họ, chữ đệm và tên"


def test_a_type_list_is_read_as_its_first_real_type():
    schema = {"type": "object", "properties": {"n": {"type": ["null", "integer"], "title": "N"}}}
    assert page_form(schema, "to-khai", data={}, post=post(n="1.500")).is_valid()
    assert [p.message for p in validate(schema, {"n": "x"})] == [
        "“N” phải là để trống hoặc số nguyên."
    ]


def test_the_applicants_own_details_can_be_filled_in_by_the_browser():
    html = str(page_form(BIRTH, "nguoi_yeu_cau", data={}))
    assert 'autocomplete="name"' in html
    assert 'autocomplete="bday"' in html
    assert 'autocomplete="tel"' in html
    assert "autocomplete" not in str(page_form(BIRTH, "me", data={}))


# page_form: which questions are required --------------------------------------------------


def test_an_optional_group_left_empty_is_valid_even_with_its_defaults():
    form = page_form(BIRTH, "cha", data={}, post=post(cha__dan_toc="Kinh"))
    assert form.is_valid(), form.errors
    assert not form.fields["cha__ho_ten"].required


def test_an_optional_group_once_started_must_be_completed():
    errors = errors_of(page_form(BIRTH, "cha", data={}, post=post(cha__noi_cu_tru="Hà Nội")))
    assert errors == {"cha__ho_ten": ["Chưa khai “Họ, chữ đệm và tên”."]}


def test_a_wrong_answer_in_an_optional_group_counts_as_starting_it():
    errors = errors_of(page_form(BIRTH, "cha", data={}, post=post(cha__so_dinh_danh="1")))
    assert set(errors) == {"cha__ho_ten", "cha__so_dinh_danh"}


def test_a_required_group_has_required_fields():
    form = page_form(BIRTH, "me", data={})
    assert form.fields["me__ho_ten"].required
    assert 'name="me__ho_ten" required' in str(form)
    assert errors_of(page_form(BIRTH, "me", data={}, post=post())) == {
        "me__ho_ten": ["Chưa khai “Họ, chữ đệm và tên”."]
    }


def test_a_required_group_inside_an_optional_one_follows_its_parent():
    schema = {
        "type": "object",
        "properties": {
            "a": {
                "type": "object",
                "title": "Tài sản",
                "properties": {
                    "mo_ta": {"type": "string", "title": "Mô tả"},
                    "dia_chi": {
                        "type": "object",
                        "title": "Địa chỉ",
                        "properties": {"xa": {"type": "string", "title": "Xã"}},
                        "required": ["xa"],
                    },
                },
                "required": ["dia_chi"],
            }
        },
    }
    assert page_form(schema, "to-khai", data={}, post=post()).is_valid()
    errors = errors_of(page_form(schema, "to-khai", data={}, post=post(a__mo_ta="Nhà")))
    assert errors == {"a__dia_chi__xa": ["Chưa khai “Xã”."]}


# page_form: arrays -------------------------------------------------------------------------


def test_an_array_page_shows_the_rows_so_far_plus_an_empty_one_and_at_least_min_items():
    assert len(page_form(PARTIES, "cac_ben", data={}, single_page_max=0).fieldsets) == 2
    data = {"cac_ben": [{"ho_ten": "A"}, {"ho_ten": "B"}, {"ho_ten": "C"}]}
    form = page_form(PARTIES, "cac_ben", data=data, single_page_max=0)
    assert [f.legend for f in form.fieldsets] == [f"Bên tham gia {i}" for i in range(1, 5)]
    assert form.initial["cac_ben__2__ho_ten"] == "C"
    more = page_form(PARTIES, "cac_ben", data=data, extra_rows=3, single_page_max=0)
    assert len(more.fieldsets) == 6


def test_rows_posted_are_kept_but_never_beyond_the_cap():
    form = page_form(
        PARTIES, "cac_ben", data={}, post=post(cac_ben__4__ho_ten="E"), single_page_max=0
    )
    assert len(form.fieldsets) == 5
    huge = post(**{"cac_ben__999__ho_ten": "X", "cac_ben__40__ho_ten": "Y"})
    assert len(page_form(PARTIES, "cac_ben", data={}, post=huge, single_page_max=0).fieldsets) <= (
        MAX_ROWS
    )


def test_too_few_rows_is_an_error_on_the_first_empty_row():
    data = post(cac_ben__0__ho_ten="A", cac_ben__1__so_ban="1")
    errors = errors_of(page_form(PARTIES, "cac_ben", data={}, post=data, single_page_max=0))
    assert errors == {"cac_ben__1__ho_ten": ["“Các bên tham gia giao dịch” cần ít nhất 2 mục."]}


def test_a_started_row_must_be_completed():
    data = post(cac_ben__0__ho_ten="A", cac_ben__1__so_dinh_danh="012345678901")
    errors = errors_of(page_form(PARTIES, "cac_ben", data={}, post=data, single_page_max=0))
    assert errors == {"cac_ben__1__ho_ten": ["Chưa khai “Họ và tên”."]}


def test_too_many_rows_is_an_error():
    schema = copy.deepcopy(PARTIES)
    schema["properties"]["cac_ben"]["maxItems"] = 2
    data = {"cac_ben": [{"ho_ten": "A"}, {"ho_ten": "B"}, {"ho_ten": "C"}]}
    posted = post(cac_ben__0__ho_ten="A", cac_ben__1__ho_ten="B", cac_ben__2__ho_ten="C")
    form = page_form(schema, "cac_ben", data=data, post=posted, single_page_max=0)
    assert errors_of(form) == {
        "cac_ben__2__ho_ten": ["“Các bên tham gia giao dịch” chỉ được tối đa 2 mục."]
    }


def test_an_array_of_plain_values_is_a_list_of_numbered_questions():
    schema = {
        "type": "object",
        "properties": {"ten_goi_khac": {"type": "array", "title": "Tên gọi khác", "items": {}}},
    }
    form = page_form(schema, "to-khai", data={"ten_goi_khac": ["Tí"]})
    assert form.fields["ten_goi_khac__1"].label == "Tên gọi khác 2"
    bound = page_form(schema, "to-khai", data={}, post=post(ten_goi_khac__1="Tèo"))
    assert bound.is_valid()
    assert apply_page(schema, "to-khai", {}, bound.cleaned_data) == {"ten_goi_khac": ["Tèo"]}


# apply_page ------------------------------------------------------------------------------


def test_applying_a_page_stores_json_values_and_leaves_other_pages_alone():
    before = {"quan_he": "Mẹ", "cam_doan": True}
    form = kinds_form(data={}, post=kinds_post(von="1.000.000", dien_tich="12,5"))
    assert form.is_valid()
    after = kinds_apply(before, form.cleaned_data)
    assert after == {
        "quan_he": "Mẹ",
        "ten": "Giấy khai sinh",
        "ngay": "1990-08-25",
        "so_ban": 2,
        "von": 1000000,
        "dien_tich": 12.5,
        "gioi_tinh": "Nữ",
        "loai": "Sáu",
        "ngoai_tru_so": False,
        "noi_dung": ["Tranh chấp"],
        "cam_doan": True,
    }
    assert before == {"quan_he": "Mẹ", "cam_doan": True}


def test_emptying_an_optional_answer_removes_it():
    data = {"me": {"ho_ten": "Hoa", "email": "hoa@example.com"}}
    form = page_form(BIRTH, "me", data=data, post=post(me__ho_ten="Hoa", me__email=""))
    assert form.is_valid()
    assert apply_page(BIRTH, "me", data, form.cleaned_data)["me"] == {"ho_ten": "Hoa"}


def test_an_optional_group_with_only_its_defaults_is_left_out():
    data = {"cha": {"ho_ten": "Cũ"}}
    form = page_form(BIRTH, "cha", data=data, post=post(cha__dan_toc="Kinh"))
    assert form.is_valid()
    assert "cha" not in apply_page(BIRTH, "cha", data, form.cleaned_data)


def test_a_required_group_with_only_its_defaults_is_kept():
    assert apply_page(BIRTH, "me", {}, {"me__dan_toc": "Kinh"}) == {"me": {"dan_toc": "Kinh"}}


def test_empty_rows_are_dropped_and_the_rest_renumbered():
    cleaned = {
        "cac_ben__0__ho_ten": "A",
        "cac_ben__1__ho_ten": "",
        "cac_ben__1__so_ban": 1,
        "cac_ben__2__ho_ten": "C",
        "cac_ben__2__so_ban": Decimal(2),
    }
    result = apply_page(PARTIES, "cac_ben", {}, cleaned, single_page_max=0)
    assert result == {"cac_ben": [{"ho_ten": "A"}, {"ho_ten": "C", "so_ban": 2}]}


def test_an_unticked_declaration_is_left_out_not_stored_as_false():
    result = kinds_apply({"cam_doan": True}, {"cam_doan": False})
    assert "cam_doan" not in result


# validate --------------------------------------------------------------------------------


def complete_birth() -> dict[str, Any]:
    return {
        "nguoi_yeu_cau": {"ho_ten": "Nguyễn Văn An", "so_dinh_danh": "001090012345"},
        "quan_he": "Cha",
        "me": {"ho_ten": "Lê Thị Hoa", "dan_toc": "Kinh"},
        "so_ban_sao": 1,
        "hinh_thuc_nhan": "Trực tiếp",
        "cam_doan": True,
    }


def test_complete_answers_have_no_problem():
    assert validate(BIRTH, complete_birth()) == []


@pytest.mark.parametrize(
    ("change", "path", "page", "message"),
    [
        (("me", None), "me", "me", "Chưa khai “Thông tin người mẹ”."),
        (
            ("cam_doan", None),
            "cam_doan",
            "thong-tin-chung-2",
            f"Cần đánh dấu vào ô xác nhận: “{DECLARATION}”.",
        ),
        (
            ("cam_doan", False),
            "cam_doan",
            "thong-tin-chung-2",
            f"Cần đánh dấu vào ô xác nhận: “{DECLARATION}”.",
        ),
        (
            ("hinh_thuc_nhan", "Fax"),
            "hinh_thuc_nhan",
            "thong-tin-chung-2",
            "“Hình thức nhận kết quả” phải là một trong các lựa chọn: Trực tiếp, Qua bưu chính.",
        ),
        (
            ("so_ban_sao", 21),
            "so_ban_sao",
            "thong-tin-chung-2",
            "“Số bản sao” không được lớn hơn 20.",
        ),
        (
            ("so_ban_sao", -1),
            "so_ban_sao",
            "thong-tin-chung-2",
            "“Số bản sao” không được nhỏ hơn 0.",
        ),
        (
            ("so_ban_sao", "hai"),
            "so_ban_sao",
            "thong-tin-chung-2",
            "“Số bản sao” phải là số nguyên.",
        ),
        (
            ("quan_he", 5),
            "quan_he",
            "thong-tin-chung",
            "“Quan hệ với người được khai sinh” phải là văn bản.",
        ),
    ],
)
def test_each_problem_is_vietnamese_names_the_question_and_its_page(change, path, page, message):
    data = complete_birth()
    key, value = change
    if value is None:
        del data[key]
    else:
        data[key] = value
    problems = validate(BIRTH, data)
    assert [(p.path, p.page_key, p.message) for p in problems] == [(path, page, message)]


@pytest.mark.parametrize(
    ("me", "path", "message"),
    [
        ({}, "me.ho_ten", "Chưa khai “Họ, chữ đệm và tên”."),
        ({"ho_ten": ""}, "me.ho_ten", "Chưa khai “Họ, chữ đệm và tên”."),
        (
            {"ho_ten": "A", "so_dinh_danh": "1"},
            "me.so_dinh_danh",
            "“Số định danh cá nhân” không đúng định dạng (12 chữ số, in trên thẻ căn cước).",
        ),
        (
            {"ho_ten": "A", "ngay_sinh": "31/12/1990"},
            "me.ngay_sinh",
            "“Ngày sinh” phải là một ngày có thật, dạng dd/mm/yyyy, ví dụ 25/08/1990.",
        ),
        (
            {"ho_ten": "A", "email": "khong-co"},
            "me.email",
            "“Thư điện tử” phải là địa chỉ thư điện tử đúng dạng, ví dụ ten@example.com.",
        ),
    ],
)
def test_problems_inside_a_group(me, path, message):
    data = {**complete_birth(), "me": me}
    assert [(p.path, p.page_key, p.message) for p in validate(BIRTH, data)] == [
        (path, "me", message)
    ]


def test_length_and_row_problems_are_told_in_vietnamese():
    schema = {
        "type": "object",
        "properties": {
            "ma": {"type": "string", "title": "Mã", "minLength": 3, "maxLength": 4},
            "ds": {"type": "array", "title": "Danh sách", "maxItems": 1, "uniqueItems": True},
            "ma_loai": {"const": "A", "title": "Mã loại"},
        },
    }
    messages = [p.message for p in validate(schema, {"ma": "ab", "ds": [1, 1], "ma_loai": "B"})]
    assert messages == [
        "“Mã” phải có ít nhất 3 ký tự.",
        "“Danh sách” chỉ được tối đa 1 mục.",
        "“Danh sách” có mục bị trùng nhau.",
        "“Mã loại” phải là A.",
    ]
    assert [p.message for p in validate(schema, {"ma": "abcde"})] == [
        "“Mã” không được dài quá 4 ký tự."
    ]


def test_problems_come_in_the_order_the_form_asks_and_never_in_english():
    data = {"cam_doan": False, "me": {"so_dinh_danh": "x"}, "quan_he": ""}
    problems = validate(BIRTH, data)
    assert [p.path for p in problems] == [
        "nguoi_yeu_cau",
        "me.ho_ten",
        "me.so_dinh_danh",
        "cam_doan",
    ]
    for problem in problems:
        assert "required" not in problem.message and "does not" not in problem.message


def test_a_problem_in_an_array_row_names_the_row():
    data = {"nguoi_nop": {"ho_ten": "A"}, "cac_ben": [{"ho_ten": "A"}, {"so_dinh_danh": "1"}]}
    problems = validate(PARTIES, data, single_page_max=0)
    assert [(p.path, p.page_key, p.message) for p in problems] == [
        ("cac_ben.1.ho_ten", "cac_ben", "Chưa khai “Họ và tên (Bên tham gia 2)”."),
        (
            "cac_ben.1.so_dinh_danh",
            "cac_ben",
            "“Số định danh cá nhân (Bên tham gia 2)” không đúng định dạng "
            "(12 chữ số, in trên thẻ căn cước).",
        ),
    ]
    too_few = validate(PARTIES, {"nguoi_nop": {"ho_ten": "A"}, "cac_ben": []})
    assert [p.message for p in too_few] == ["“Các bên tham gia giao dịch” cần ít nhất 2 mục."]


def test_one_of_several_identifiers_is_asked_for_by_name():
    schema = {
        "type": "object",
        "properties": {
            "nguoi": {
                "type": "object",
                "title": "Người được cấp",
                "anyOf": [{"required": ["so_dinh_danh"]}, {"required": ["so_ho_chieu"]}],
                "properties": {"so_dinh_danh": ID_NUMBER, "so_ho_chieu": {"title": "Hộ chiếu"}},
            }
        },
    }
    [problem] = validate(schema, {"nguoi": {}})
    assert problem.message == (
        "“Người được cấp”: cần khai ít nhất một trong các thông tin: "
        "“Số định danh cá nhân”, “Hộ chiếu”."
    )


def test_odd_schemas_never_raise():
    broken = {
        "type": "object",
        "properties": {
            "a": {"type": "string", "title": "A", "pattern": "(["},
            "b": {"type": "galaxy", "title": "B"},
        },
        "required": ["a"],
    }
    assert [p.message for p in validate(broken, {})] == ["Chưa khai “A”."]
    assert validate(broken, {"a": "anything", "b": 1}) == []
    assert page_form(broken, "to-khai", data={}, post=post(a="(")).is_valid()
    dangling = {"type": "object", "properties": {"a": {"$ref": "#/$defs/khong-co"}}}
    [problem] = validate(dangling, {"a": 1})
    assert problem.message.startswith("Không kiểm tra được tờ khai")
    assert validate({}, {"a": 1}) == []


def test_an_extra_property_is_named():
    schema = {"type": "object", "title": "Đơn", "additionalProperties": False, "properties": {}}
    [problem] = validate(schema, {"la": 1})
    assert problem.message == "“Đơn” có thông tin không thuộc tờ khai: la."


# answers ---------------------------------------------------------------------------------


def test_answers_are_shown_for_people_page_by_page():
    data = {
        **complete_birth(),
        "me": {"ho_ten": "Lê Thị Hoa", "ngay_sinh": "1992-03-04"},
        "so_ban_sao": 12000,
    }
    sections = answers(BIRTH, data)
    assert [s.page_key for s in sections] == [p.key for p in pages(BIRTH)]
    me = sections[2]
    assert (me.title, me.rows[0].label, me.rows[0].value) == (
        "Thông tin người mẹ",
        "Họ, chữ đệm và tên",
        "Lê Thị Hoa",
    )
    rows = {r.path: r.value for s in sections for r in s.rows}
    assert rows["me.ngay_sinh"] == "04/03/1992"
    assert rows["me.email"] == ""
    assert rows["so_ban_sao"] == "12.000"
    assert rows["cam_doan"] == "Có"
    assert rows["hinh_thuc_nhan"] == "Trực tiếp"
    assert rows["cha.ho_ten"] == ""


def test_answers_show_rows_lists_numbers_and_booleans():
    data = {
        "noi_dung": ["Diện tích", "Địa điểm"],
        "dien_tich": 1234.5,
        "von": 1500000,
        "so_ban": 2025,
        "ngoai_tru_so": False,
    }
    rows = {r.path: r.value for s in kinds_answers(data) for r in s.rows}
    assert rows["noi_dung"] == "Diện tích, Địa điểm"
    assert rows["dien_tich"] == "1234,5"
    assert rows["von"] == "1.500.000"
    assert rows["so_ban"] == "2025"
    assert rows["ngoai_tru_so"] == "Không"
    parties = {"cac_ben": [{"ho_ten": "A"}, {"ho_ten": "B", "so_ban": 2}]}
    [_person, array] = answers(PARTIES, parties, single_page_max=0)
    labels = [(r.label, r.value, r.path) for r in array.rows]
    assert labels[0] == ("Bên tham gia 1 – Họ và tên", "A", "cac_ben.0.ho_ten")
    assert labels[-1] == ("Bên tham gia 2 – Số bản", "2", "cac_ben.1.so_ban")
    [_person, empty] = answers(PARTIES, {}, single_page_max=0)
    assert [(r.label, r.value) for r in empty.rows] == [("Các bên tham gia giao dịch", "")]


def test_groups_inside_a_single_page_prefix_their_questions():
    sections = answers(BIRTH, complete_birth(), single_page_max=ONE_PAGE)
    labels = [r.label for r in sections[0].rows]
    assert "Người yêu cầu – Họ, chữ đệm và tên" in labels
    assert "Quan hệ với người được khai sinh" in labels


# prefill ---------------------------------------------------------------------------------

PROFILE = {
    "ho_ten": "Nguyễn Văn An",
    "so_dinh_danh": "001090012345",
    "ngay_sinh": "1990-05-01",
    "dien_thoai": "0912 345 678",  # not the form's pattern: left out
    "email": "",
    "noi_cu_tru": "Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội",
}


def test_the_profile_fills_the_applicant_section_where_values_are_valid():
    draft = prefill(BIRTH, profile=PROFILE, previous=[])
    assert draft["nguoi_yeu_cau"] == {
        "ho_ten": "Nguyễn Văn An",
        "so_dinh_danh": "001090012345",
        "ngay_sinh": "1990-05-01",
        "noi_cu_tru": "Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội",
        "dan_toc": "Kinh",
    }
    assert "ho_ten" not in draft.get("me", {})


def test_the_applicant_section_is_found_by_name_or_by_its_questions():
    assert prefill(PARTIES, profile=PROFILE, previous=[])["nguoi_nop"]["ho_ten"] == "Nguyễn Văn An"
    schema = {
        "type": "object",
        "properties": {
            "kinh_gui": {"type": "string"},
            "dia_diem": {"type": "object", "properties": {"ho_ten": {"type": "string"}}},
            "chu_ho": person("Chủ hộ"),
            "email": {"type": "string", "format": "email"},
        },
    }
    draft = prefill(schema, profile={**PROFILE, "email": "an@example.com"}, previous=[])
    assert draft["chu_ho"]["ho_ten"] == "Nguyễn Văn An"
    assert "dia_diem" not in draft
    assert draft["email"] == "an@example.com"


def test_earlier_dossiers_fill_the_rest_newest_first_but_never_over_the_profile():
    previous = [
        {"nguoi_yeu_cau": {"ho_ten": "Tên cũ", "dien_thoai": "0912345678"}, "cam_doan": True},
        {"nguoi_yeu_cau": {"email": "khong-hop-le"}, "me": {"ho_ten": "Lê Thị Hoa"}},
        {"nguoi_yeu_cau": {"email": "an@example.com", "dien_thoai": "0987654321"}},
        {"quan_he": 7, "so_ban_sao": 3, "hinh_thuc_nhan": "Fax"},
    ]
    draft = prefill(BIRTH, profile=PROFILE, previous=previous)
    assert draft["nguoi_yeu_cau"]["ho_ten"] == "Nguyễn Văn An"
    assert draft["nguoi_yeu_cau"]["dien_thoai"] == "0912345678"
    assert draft["nguoi_yeu_cau"]["email"] == "an@example.com"
    assert draft["me"]["ho_ten"] == "Lê Thị Hoa"
    assert draft["so_ban_sao"] == 3
    assert "cam_doan" not in draft
    assert "quan_he" not in draft and "hinh_thuc_nhan" not in draft


def test_defaults_fill_only_groups_that_are_always_answered():
    draft = prefill(BIRTH, profile={}, previous=[])
    assert draft == {
        "nguoi_yeu_cau": {"dan_toc": "Kinh"},
        "me": {"dan_toc": "Kinh"},
        "so_ban_sao": 0,
    }
    assert "cha" not in draft  # an unknown father stays unknown


# The 44 procedures of the demo catalogue ----------------------------------------------------

DEMO = Path(motcua.catalog.__file__).resolve().parent / "data" / "demo-hanoi.yaml"


def demo_schemas() -> list[tuple[str, dict[str, Any]]]:
    procedures = load_file(DEMO).data["procedures"]
    return [(p["code"], p["form_schema"]) for p in procedures if p.get("form_schema")]


DEMO_SCHEMAS = demo_schemas()


def test_the_demo_catalogue_has_its_44_forms():
    assert len(DEMO_SCHEMAS) >= 44


def schema_leaves(schema: dict[str, Any], prefix: str = "") -> list[str]:
    """Every question of a schema, walked independently of the module under test."""
    found = []
    for name, sub in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        if sub.get("type") == "object":
            found += schema_leaves(sub, f"{path}.")
        elif sub.get("type") == "array" and "enum" not in sub.get("items", {}):
            item = sub.get("items", {})
            found += schema_leaves(item, f"{path}.*.") if "properties" in item else [f"{path}.*"]
        else:
            found.append(path)
    return found


PATTERN_EXAMPLES = {
    "^[0-9]{12}$": "001090012345",
    "^0[0-9]{9,10}$": "0912345678",
    "^[0-9]{4}$": "4711",
    "^[0-9]{10}(-[0-9]{3})?$": "0101234567-001",
    "^([01][0-9]|2[0-3]):[0-5][0-9]$": "14:30",
    "^[0-9]{4}-[0-9]{4}$": "2025-2026",
    "^[0-9]{6,20}$": "19031234567",
}


@functools.cache
def matching(pattern: str) -> str:
    # Searching with hypothesis costs seconds, so the catalogue's known patterns come first.
    if pattern in PATTERN_EXAMPLES:
        return PATTERN_EXAMPLES[pattern]
    return find(st.from_regex(pattern, fullmatch=True), lambda v: "\n" not in v)


def sample(leaf: dict[str, Any], kind: str) -> Any:
    """A valid answer to one question, as a browser would send it."""
    if kind == "boolean":
        return "on"
    if kind == "choice":
        return str(leaf["enum"][0])
    if kind == "multichoice":
        return [str(leaf["items"]["enum"][0])]
    if kind == "date":
        return "25/08/1990"
    if kind == "email":
        return "ten@example.com"
    if kind in ("integer", "number"):
        low = leaf.get("minimum", leaf.get("exclusiveMinimum", 0) + 1)
        return str(low) if kind == "integer" else f"{low},5"
    if "pattern" in leaf:
        return matching(leaf["pattern"])
    return "Nội dung khai mẫu"[: leaf.get("maxLength", 100)]


def needed(form: Any, slot: Any) -> bool:
    """Whether a question must be answered for the page to be complete: required, in groups
    that are required, in the first minItems rows of an array; one identifier of an anyOf."""
    node = slot.node
    any_of = [
        name
        for container in form.layout.containers.values()
        for branch in container.node.schema.get("anyOf", [])[:1]
        for name in branch.get("required", [])
    ]
    if not (node.required or node.name in any_of):
        return False
    path = slot.parent
    while path:
        container = form.layout.containers[path]
        if isinstance(path[-1], int):
            fewest = next(a for a in form.layout.arrays if a.path == path[:-1]).node.schema.get(
                "minItems", 0
            )
            if path[-1] >= fewest:
                return False
        elif not container.required:
            return False
        path = container.parent
    return True


def fill(schema: dict[str, Any], everything: bool) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for page in pages(schema):
        blank = page_form(schema, page.key, data=data, extra_rows=0)
        html = str(blank)
        for slot in blank.layout.slots:
            assert escape(slot.label) in html, slot.label
        chosen = [s for s in blank.layout.slots if everything or needed(blank, s)]
        answers_ = post(**{s.name: sample(s.node.schema, s.node.kind) for s in chosen})
        form = page_form(schema, page.key, data=data, post=answers_, extra_rows=0)
        assert form.is_valid(), (page.key, form.errors)
        data = apply_page(schema, page.key, data, form.cleaned_data)
    return data


@pytest.mark.parametrize(("code", "schema"), DEMO_SCHEMAS, ids=[c for c, _s in DEMO_SCHEMAS])
def test_every_demo_form_is_paged_rendered_filled_and_valid(code, schema):
    covered = Counter(path for page in pages(schema) for path in page.paths)
    assert covered == Counter(schema_leaves(schema))
    assert all(count == 1 for count in covered.values())
    minimal = fill(schema, everything=False)
    assert validate(schema, minimal) == []
    full = fill(schema, everything=True)
    assert validate(schema, full) == []
    shown = [r for s in answers(schema, full) for r in s.rows]
    assert all(r.value for r in shown if r.path.split(".")[-1] != "*")


@pytest.mark.parametrize(
    ("code", "schema"), DEMO_SCHEMAS[:5], ids=[c for c, _s in DEMO_SCHEMAS[:5]]
)
def test_an_empty_demo_form_has_problems_only_in_vietnamese(code, schema):
    problems = validate(schema, {})
    assert problems
    assert all(p.page_key in {pg.key for pg in pages(schema)} for p in problems)
    assert all("“" in p.message for p in problems)


# Properties ------------------------------------------------------------------------------


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_any_date_typed_dd_mm_yyyy_is_stored_iso_and_shown_back_the_same(day):
    typed = day.strftime("%d/%m/%Y")
    form = kinds_form(data={}, post=kinds_post(ngay=typed))
    assert form.is_valid()
    data = kinds_apply({}, form.cleaned_data)
    assert data["ngay"] == day.isoformat()
    assert {r.path: r.value for s in kinds_answers(data) for r in s.rows}["ngay"] == typed


@given(st.integers(min_value=0, max_value=10**15))
def test_any_amount_typed_with_dots_or_plainly_is_the_same_number(amount):
    grouped = f"{amount:,}".replace(",", ".")
    for typed in (grouped, str(amount)):
        form = kinds_form(data={}, post=kinds_post(von=typed))
        assert form.is_valid(), form.errors
        assert kinds_apply({}, form.cleaned_data)["von"] == amount
