"""What the ratings tests share beside their fixtures: a closed inspection's link, and a
firm's answers to the rating form."""

from ratings.models import RatingLink


def link_of(inspection) -> RatingLink:
    return RatingLink.objects.get(inspection=inspection)


ANSWERS = {
    "overall": 4,
    "certificates_shown": True,
    "rights_explained": True,
    "visit_length": "under_1h",
    "asked_for_favours": False,
}
