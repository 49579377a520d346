"""Small formatting helpers shared by messages, pages and exports."""

from decimal import Decimal


def format_hours(value: Decimal | int | None) -> str:
    """Training hours without a useless decimal: 40 rather than 40.0, but 24.5 stays."""
    if value is None:
        return "0"
    return f"{Decimal(value).normalize():f}"
