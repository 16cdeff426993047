"""OpenAPI details drf-spectacular cannot infer: our authentication, the
error answers every endpoint can give, and the plan's ETag."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

API_PREFIX = "/api/v1/"

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description='Planens ETag fra GET, f.eks. `"3"`. Påkrevd: uten den svarer API-et 428.',
)

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERRORS = {
    "400": "Ugyldig forespørsel (feltfeil per felt)",
    "401": "Ikke autentisert",
    "403": "Ingen tilgang (avslaget er logget)",
    "404": "Finnes ikke",
    "406": "Kan ikke levere ønsket innholdstype",
    "405": "Metoden er ikke tillatt",
}
WRITE_ERRORS = {
    "412": "Planen er endret siden ETag-en ble hentet",
    "415": "Innholdstypen støttes ikke",
    "428": "If-Match mangler",
}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "helhet.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Personlig API-nøkkel: `Token hlt_…`",
        }


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "helhet.api.authentication.OIDCBearerAuthentication"
    name = "oidcBearer"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}


def only_api(endpoints, **kwargs):
    """The schema describes the REST API; FHIR has its CapabilityStatement."""
    return [e for e in endpoints if e[0].startswith(API_PREFIX)]


def add_errors(result, generator, request, public):
    result["components"]["schemas"]["Error"] = ERROR
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            codes = dict(ERRORS)
            if method in ("put", "patch", "post"):
                codes.update(WRITE_ERRORS)
            for code, text in codes.items():
                operation["responses"].setdefault(
                    code, {"description": text, "content": {"application/json": {"schema": ref}}}
                )
            if path.startswith(f"{API_PREFIX}plans/{{plan_id}}"):
                operation["responses"]["200"]["headers"] = {
                    "ETag": {"schema": {"type": "string"}, "description": "Planens versjon"}
                }
    return result
