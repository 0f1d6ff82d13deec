"""Đánh giá mức độ hài lòng: the satisfaction evaluation of each dossier (docs/surveys.md)."""
