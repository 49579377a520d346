"""The inspectors' and reviewers' pages (phone first)."""

urlpatterns: list = []
