from __future__ import annotations


class ApiError(Exception):
    """A 4xx answer with a message in the user's language."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
