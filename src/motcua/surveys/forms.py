"""The one evaluation form, used by every door that shows it (portal, QR page, desk tablet)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Overall
from .services import COMMENT_LIMIT, Answer

ATTITUDE = [
    ("2", _("Tốt: hướng dẫn tận tình, đúng mực")),
    ("1", _("Bình thường")),
    ("0", _("Chưa tốt: gây phiền hà, sách nhiễu")),
]
ASKED = [
    ("no", _("Không, chỉ nộp đúng giấy tờ đã công khai")),
    ("yes", _("Có, bị yêu cầu thêm giấy tờ ngoài danh mục")),
]


class EvaluationForm(forms.Form):
    overall = forms.ChoiceField(
        label=_("Anh/Chị hài lòng thế nào với việc giải quyết hồ sơ?"),
        choices=Overall.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn mức độ hài lòng chung.")},
    )
    attitude = forms.ChoiceField(
        label=_("Thái độ của cán bộ khi hướng dẫn, tiếp nhận, giải quyết hồ sơ"),
        choices=ATTITUDE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn đánh giá về thái độ của cán bộ.")},
    )
    asked_for_more = forms.ChoiceField(
        label=_("Anh/Chị có bị yêu cầu nộp giấy tờ ngoài danh mục đã công khai không?"),
        choices=ASKED,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy cho biết có bị yêu cầu thêm giấy tờ hay không.")},
    )
    comment = forms.CharField(
        label=_("Ý kiến khác (không bắt buộc)"),
        required=False,
        max_length=COMMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Ý kiến dài tối đa %(limit_value)d ký tự.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def answer(self) -> Answer:
        data = self.cleaned_data
        return Answer(
            overall=data["overall"],
            attitude=int(data["attitude"]),
            asked_for_more=data["asked_for_more"] == "yes",
            comment=data["comment"],
        )
