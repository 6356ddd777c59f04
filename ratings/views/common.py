"""What every ratings page needs: the year's rubric and the messages of a refused change."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from ..models import Rubric


def rubric_of(year: int) -> Rubric:
    return get_object_or_404(Rubric, year=year)


def error_messages(error: ValidationError) -> list[str]:
    return list(error.messages)
