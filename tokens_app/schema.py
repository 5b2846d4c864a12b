"""drf-spectacular: our token class is knox's scheme (``Authorization: Token <key>``) under DRF's old name."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class HashedTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tokens_app.auth.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        prefix = self.target.authenticate_header("")
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix=prefix)
