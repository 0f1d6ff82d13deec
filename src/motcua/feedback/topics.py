"""The topics a deployment starts with: created after ``migrate`` (and after a test database is
flushed) whenever there is no topic at all, so an administrator who edits or removes them in
the admin keeps their choice. Names are data, in Vietnamese, as the catalogue's are."""

from __future__ import annotations

from typing import Any

SEVERITY = {
    "code": "muc_do",
    "datatype": "singlevaluelist",
    "required": False,
    "description": "Mức độ hư hỏng",
    "order": 1,
    "values": [
        {"key": "nhe", "name": "Hư hỏng nhẹ"},
        {"key": "nang", "name": "Nguy hiểm cho người đi đường"},
    ],
}

TOPICS = [
    # code, name, group, default classification, private, on the portal, on Open311, attributes
    ("quy-dinh", "Quy định hành chính", "Thủ tục hành chính", "regulation", False, True, False, []),
    ("thu-tuc", "Thủ tục hành chính", "Thủ tục hành chính", "regulation", False, True, False, []),
    (
        "ho-so",
        "Hồ sơ thủ tục hành chính cụ thể",
        "Thủ tục hành chính",
        "regulation",
        False,
        True,
        False,
        [],
    ),
    (
        "can-bo",
        "Hành vi, thái độ của cán bộ, công chức",
        "Cán bộ, công chức",
        "conduct",
        True,
        True,
        False,
        [],
    ),
    (
        "tranh-chap",
        "Mâu thuẫn, tranh chấp giữa hàng xóm",
        "Đời sống dân cư",
        "other",
        True,
        True,
        False,
        [],
    ),
    ("chieu-sang", "Chiếu sáng công cộng", "Hạ tầng đô thị", "other", False, True, True, []),
    (
        "mat-duong",
        "Hư hỏng mặt đường, ổ gà",
        "Hạ tầng đô thị",
        "other",
        False,
        True,
        True,
        [SEVERITY],
    ),
    ("rac-thai", "Rác thải, vệ sinh môi trường", "Môi trường", "other", False, True, True, []),
    ("cay-xanh", "Cây xanh gãy đổ, nguy hiểm", "Hạ tầng đô thị", "other", False, True, True, []),
    (
        "trat-tu",
        "Trật tự công cộng, lấn chiếm vỉa hè",
        "Trật tự đô thị",
        "other",
        False,
        True,
        True,
        [],
    ),
    ("khac", "Vấn đề khác", "Khác", "other", False, True, False, []),
]


def seed_default_topics(*, using: str = "default", **_: Any) -> int:
    """Create the default topics when the table is empty (a ``post_migrate`` receiver)."""
    from .models import Topic

    if Topic.objects.using(using).exists():
        return 0
    Topic.objects.using(using).bulk_create(
        Topic(
            code=code,
            name=name,
            group=group,
            default_classification=kind,
            is_private=private,
            on_portal=portal,
            on_open311=open311,
            attributes=attributes,
            position=position,
        )
        for position, (code, name, group, kind, private, portal, open311, attributes) in enumerate(
            TOPICS
        )
    )
    return len(TOPICS)
