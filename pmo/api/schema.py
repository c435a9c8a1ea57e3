"""The error answers of the API, documented once for every operation (a schema hook).

Each view declares its success; the errors come from the same few places for all of them
(authentication, :mod:`pmo.rules`, the throttles, the filters and serializers, the exception
handler of :mod:`pmo.api.exceptions`), so they are added here where they can happen, and an
integration can rely on the schema for every answer it may get.
"""

ERROR_COMPONENT = "Error"
VALIDATION_ERROR_COMPONENT = "ValidationError"

ERROR_SCHEMA = {
    "type": "object",
    "description": "Why the request was refused, in `detail`; a workflow refusal may add fields.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": True,
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Each bad field (body or query parameter) named with its messages; `detail` or "
        "`non_field_errors` for what concerns no single field."
    ),
    "additionalProperties": True,
}

DESCRIPTIONS = {
    "400": "A field or query parameter is invalid; each bad one is named.",
    "401": "No credentials, or credentials that are not valid.",
    "403": "The caller may not do this (its roles or the token's scopes).",
    "404": "No such record among those the caller may see, or no such page.",
    "409": "The record's state does not allow this step, or another change came first.",
    "429": "Too many requests; retry after the number of seconds in `Retry-After`.",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before the next request.",
    }
}


def _error_codes(method: str, operation: dict) -> list[str]:
    parameters = operation.get("parameters", [])
    # drf-spectacular leaves out "security" where no credentials are asked (auth=[]).
    open_to_anyone = not any(operation.get("security") or [])
    codes = ["429"]
    if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
        codes.append("400")
    if not open_to_anyone:
        codes += ["401", "403"]
    # A path id that is not one of the caller's records; a page past the last.
    if any(p["in"] == "path" or p["name"] == "page" for p in parameters):
        codes.append("404")
    if method in WRITE_METHODS and not open_to_anyone:
        codes.append("409")
    return codes


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the error answers each operation may give."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(ERROR_COMPONENT, ERROR_SCHEMA)
    components.setdefault(VALIDATION_ERROR_COMPONENT, VALIDATION_ERROR_SCHEMA)
    content = {
        code: {
            "application/json": {
                "schema": {
                    "$ref": "#/components/schemas/"
                    + (VALIDATION_ERROR_COMPONENT if code == "400" else ERROR_COMPONENT)
                }
            }
        }
        for code in DESCRIPTIONS
    }
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            # DRF renders an error with the renderer the client chose (a PDF download's
            # 404 comes as application/pdf when asked so): the same body under each type.
            media_types = {"application/json"} | {
                media_type
                for code, response in responses.items()
                if code.startswith("2")
                for media_type in response.get("content", {})
            }
            for code in _error_codes(method, operation):
                response = responses.setdefault(code, {"description": DESCRIPTIONS[code]})
                # A view's own description is kept; the body is the same everywhere.
                response.setdefault(
                    "content",
                    dict.fromkeys(sorted(media_types), content[code]["application/json"]),
                )
                if code == "429":
                    response.setdefault("headers", RETRY_AFTER)
    return result
