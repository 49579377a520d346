"""What else happens when an inspection is closed, registered by the apps above fieldwork.

The firm's rating link (ratings, above this app) is issued in the closing transaction: ratings
registers its function here (RatingsConfig.ready()), the way fieldwork registers its start
handler with planning.
"""

from collections.abc import Callable

CloseHandler = Callable[..., object]  # handler(*, inspection) -> anything

_handlers: list[CloseHandler] = []


def register_close_handler(handler: CloseHandler) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def close_handlers() -> tuple[CloseHandler, ...]:
    return tuple(_handlers)
