"""How the API's authentication appears in its OpenAPI schema."""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme


class TokenScheme(KnoxTokenScheme):
    """knox tokens keep the scheme name DRF's tokens had, `tokenAuth`: clients send the same
    `Authorization: Token <key>` header as before, so the published schema (the open-data API's
    included) does not change with the token store."""

    name = "tokenAuth"
    priority = 1
