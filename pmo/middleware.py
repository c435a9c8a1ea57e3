"""Response headers Django's SecurityMiddleware does not set: the Content-Security-Policy and
the Permissions-Policy."""

from django.conf import settings


def build_policy(directives: dict[str, list[str]]) -> str:
    """``{"default-src": ["'self'"], ...}`` as a header value: ``default-src 'self'; ...``."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class SecurityHeadersMiddleware:
    """Add the Content-Security-Policy and the Permissions-Policy to every response.

    Placed right after SecurityMiddleware, outside WhiteNoise and every view, so that static
    files, API answers, 404s and 500s carry them too. A response that already has a policy
    keeps it (a view may need its own). Paths in ``CSP_PATH_OVERRIDES`` get their own policy.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read at each request: tests change the settings, and a policy is a few joins.
        directives = settings.CSP_DIRECTIVES
        for prefix, override in settings.CSP_PATH_OVERRIDES.items():
            if request.path.startswith(prefix):
                directives = {**directives, **override}
                break
        if directives and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = build_policy(directives)
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response
