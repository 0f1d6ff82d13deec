"""Where a visible signature goes: shared by the renderer (which lays the box out) and the
signer (which draws the stamp in it), so neither imports the other."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignatureBox:
    """A rectangle on one page, in PDF user-space points (1/72 inch) with the origin at the
    bottom-left corner of the page, as PDF and pyHanko count them (not CSS's top-left)."""

    page: int  # 0-based
    box: tuple[float, float, float, float]  # x1, y1, x2, y2

    def __post_init__(self) -> None:
        x1, y1, x2, y2 = self.box
        if self.page < 0 or x2 <= x1 or y2 <= y1:
            raise ValueError(f"Not a signature box: page {self.page}, {self.box}")
