"""The token endpoints under /api/auth/: log in (a new token), log out (revoke this one), list and revoke.

``POST /api/auth/token/`` keeps DRF's request and answer (``{"token": ...}``, plus ``expiry``), its error
messages (DRF's AuthTokenSerializer) and its per-address throttle. Any signed-in user manages their own
tokens (a reader needs one to read); nobody sees a key again after it was issued, only its prefix.
"""
from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from front_app.http.throttles import TokenThrottle
from tokens_app import service
from tokens_app.auth import HashedTokenAuthentication


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The key: send it as `Authorization: Token <key>`. Shown only now.")
    expiry = serializers.DateTimeField(allow_null=True, help_text="When it stops working; null: until revoked.")


class TokenInfoSerializer(serializers.Serializer):
    id = serializers.CharField(source="token_key", help_text="The key's first characters; revoke by this.")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    current = serializers.SerializerMethodField(help_text="True for the token this request was sent with.")

    def get_current(self, token) -> bool:
        auth = self.context.get("auth")
        return bool(auth is not None and getattr(auth, "digest", None) == token.digest)


class TokenView(APIView):
    """Username and password in, a new token out (throttled per client address)."""

    authentication_classes = ()
    permission_classes = ()
    throttle_classes = (TokenThrottle,)

    @extend_schema(request=AuthTokenSerializer, responses={200: IssuedTokenSerializer}, auth=[],
                   summary="Get an API token")
    def post(self, request):
        credentials = AuthTokenSerializer(data=request.data, context={"request": request})
        credentials.is_valid(raise_exception=True)
        user = credentials.validated_data["user"]
        issued = service.issue(user)
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response(IssuedTokenSerializer({"token": issued.key, "expiry": issued.token.expiry}).data)


class LogoutView(APIView):
    """Revoke the token this request was sent with (a session has no token: 400)."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(request=None, responses={204: None}, summary="Revoke this token")
    def post(self, request):
        if not isinstance(request.successful_authenticator, HashedTokenAuthentication):
            return Response({"detail": "This request carries no API token to revoke (send `Authorization: "
                                       "Token <key>`, or revoke one by id)."}, status=status.HTTP_400_BAD_REQUEST)
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(APIView):
    """The signed-in user's live tokens: prefix, created, expiry; never a key."""

    permission_classes = (IsAuthenticated,)
    pagination_class = None

    @extend_schema(responses={200: TokenInfoSerializer(many=True)}, summary="List your API tokens")
    def get(self, request):
        tokens = service.live(request.user)
        return Response(TokenInfoSerializer(tokens, many=True, context={"auth": request.auth}).data)


class TokenRevokeView(APIView):
    """Revoke one of the signed-in user's tokens by its id (its prefix)."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(responses={204: None}, summary="Revoke one of your API tokens",
                   parameters=[OpenApiParameter("token_id", str, OpenApiParameter.PATH,
                                                description="the token's id from GET /api/auth/tokens/")])
    def delete(self, request, token_id: str):
        if not service.revoke(request.user, token_id):
            return Response({"detail": f"You have no token {token_id!r}."}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)
