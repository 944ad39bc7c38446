"""Example origin behind Portcullis: Python's http.server, trusting a request only after PyJWT verified its assertion.

Standard library plus PyJWT (Debian: python3-jwt, which brings python3-cryptography for ES256).
Settings come from PORTCULLIS_JWKS_URL, PORTCULLIS_ISSUER, PORTCULLIS_AUDIENCE and PORT.
"""

import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import jwt

ASSERTION_HEADER = "X-Auth-Assertion"
ASSERTION_TYPE = "portcullis-assertion+jwt"
MAX_LIFETIME_SECONDS = 60
CLOCK_TOLERANCE_SECONDS = 5
JWKS_COOLDOWN_SECONDS = 30
REQUIRED_CLAIMS = ["iss", "aud", "sub", "sid", "email", "email_verified", "iat", "exp", "jti", "htm", "htp", "route", "auth_src"]

MESSAGES = {
    "missing_assertion": "The request carries no gateway assertion.",
    "malformed_assertion": "The assertion is not a well-formed gateway assertion.",
    "invalid_signature": "The assertion's algorithm or signature is not acceptable.",
    "unknown_key": "The assertion is signed with a key the gateway does not publish.",
    "expired": "The assertion has expired.",
    "not_yet_valid": "The assertion is issued in the future.",
    "wrong_issuer": "The assertion was issued by another gateway.",
    "wrong_audience": "The assertion is meant for another origin.",
    "wrong_type": "The token is not a gateway assertion.",
    "method_mismatch": "The assertion was issued for another HTTP method.",
    "path_mismatch": "The assertion was issued for another path.",
    "lifetime_too_long": "The assertion's lifetime exceeds the allowed maximum.",
    "replayed": "The assertion has already been used.",
    "jwks_unavailable": "The gateway's signing keys could not be fetched.",
}


class Refused(Exception):
    """An assertion refused for the reason `code` (one of MESSAGES)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


class GatewayKeys:
    """The gateway's JWKS, fetched on first use and again for an unknown kid at most every JWKS_COOLDOWN_SECONDS."""

    def __init__(self, url):
        self.url = url
        self.keys = {}
        self.fetched_at = None
        self.lock = threading.Lock()

    def key_for(self, kid):
        with self.lock:
            if kid not in self.keys and (self.fetched_at is None or time.monotonic() - self.fetched_at >= JWKS_COOLDOWN_SECONDS):
                self._fetch()
            if kid not in self.keys:
                raise Refused("unknown_key")
            return self.keys[kid]

    def _fetch(self):
        try:
            with urllib.request.urlopen(self.url, timeout=5) as response:
                key_set = jwt.PyJWKSet.from_dict(json.load(response))
        except (urllib.error.URLError, OSError, ValueError, jwt.PyJWKSetError) as error:
            raise Refused("jwks_unavailable") from error
        self.fetched_at = time.monotonic()
        self.keys = {key.key_id: key.key for key in key_set.keys if key.key_id}


class ReplayCache:
    """Each jti seen, remembered until its assertion expires; a second use is refused."""

    def __init__(self):
        self.expires_at = {}
        self.lock = threading.Lock()

    def consume(self, jti, expires_at, now):
        with self.lock:
            for seen, expiry in list(self.expires_at.items()):
                if expiry < now:
                    del self.expires_at[seen]
            if jti in self.expires_at:
                return False
            self.expires_at[jti] = expires_at
            return True


def verify_assertion(headers, method, target, settings, keys, replays):
    """The verified claims of the request's assertion; raises Refused with the reason otherwise."""
    values = headers.get_all(ASSERTION_HEADER) or []
    if len(values) > 1:
        raise Refused("malformed_assertion")
    token = values[0].strip() if values else ""
    if not token:
        raise Refused("missing_assertion")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError as error:
        raise Refused("malformed_assertion") from error
    # Pinned algorithm: refuses "none", and HS256 "signed" with the public key as a secret.
    if header.get("alg") != "ES256":
        raise Refused("invalid_signature")
    typ = str(header.get("typ", "")).lower()
    if typ.removeprefix("application/") != ASSERTION_TYPE:
        raise Refused("wrong_type")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise Refused("unknown_key")
    key = keys.key_for(kid)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["ES256"],
            audience=settings["audience"],
            issuer=settings["issuer"],
            leeway=CLOCK_TOLERANCE_SECONDS,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError as error:
        raise Refused("expired") from error
    except jwt.ImmatureSignatureError as error:
        raise Refused("not_yet_valid") from error
    except jwt.InvalidAudienceError as error:
        raise Refused("wrong_audience") from error
    except jwt.InvalidIssuerError as error:
        raise Refused("wrong_issuer") from error
    except jwt.InvalidSignatureError as error:
        raise Refused("invalid_signature") from error
    except jwt.InvalidTokenError as error:
        raise Refused("malformed_assertion") from error
    # A list naming this origin among others would be a token for several origins.
    if claims["aud"] != settings["audience"]:
        raise Refused("wrong_audience")
    now = time.time()
    iat, exp = claims["iat"], claims["exp"]
    if not isinstance(iat, (int, float)) or not isinstance(exp, (int, float)):
        raise Refused("malformed_assertion")
    if iat > now + CLOCK_TOLERANCE_SECONDS:
        raise Refused("not_yet_valid")
    if now - iat > MAX_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS or exp - iat > MAX_LIFETIME_SECONDS:
        raise Refused("lifetime_too_long")
    # Bound to this one request: the method, and the path as received, without the query, compared exactly.
    if claims["htm"] != method.upper():
        raise Refused("method_mismatch")
    if claims["htp"] != urlsplit(target).path:
        raise Refused("path_mismatch")
    identity = identity_from(claims)
    # Last, so that a refused assertion never takes a place in the cache.
    if not replays.consume(claims["jti"], exp + CLOCK_TOLERANCE_SECONDS, now):
        raise Refused("replayed")
    return identity


def is_string_list(value):
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def identity_from(claims):
    """The caller, from the verified claims only (the X-Auth-* headers prove nothing)."""
    roles, amr = claims.get("roles"), claims.get("amr")
    if not is_string_list(roles) or not is_string_list(amr) or claims["auth_src"] not in ("cookie", "bearer") or not claims["route"]:
        raise Refused("malformed_assertion")
    identity = {
        "userId": claims["sub"],
        "sessionId": claims["sid"],
        "email": claims["email"],
        "emailVerified": claims["email_verified"],
        "roles": roles,
        "amr": amr,
        "route": claims["route"],
        "authSource": claims["auth_src"],
        "assertionId": claims["jti"],
    }
    optional = {"tenant": "tenant", "tenantSlug": "tenant_slug", "name": "name", "username": "preferred_username", "onboarding": "onboarding"}
    for name, claim in optional.items():
        if claim in claims:
            identity[name] = claims[claim]
    return identity


def make_handler(settings):
    keys = GatewayKeys(settings["jwks_url"])
    replays = ReplayCache()

    class Handler(BaseHTTPRequestHandler):
        def handle_any(self):
            try:
                identity = verify_assertion(self.headers, self.command, self.path, settings, keys, replays)
            except Refused as refused:
                status = 503 if refused.code == "jwks_unavailable" else 401
                self.send_json(status, {"error": {"code": refused.code, "message": MESSAGES[refused.code]}})
                return
            self.send_json(200, {"origin": "python", "identity": identity})

        def send_json(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json; charset=utf-8")
            self.send_header("cache-control", "no-store")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

        def log_message(self, format, *args):
            # No request lines: they would log paths, and nothing here needs them.
            pass

    return Handler


def read_settings(env):
    names = {"jwks_url": "PORTCULLIS_JWKS_URL", "issuer": "PORTCULLIS_ISSUER", "audience": "PORTCULLIS_AUDIENCE"}
    settings = {key: env.get(name, "") for key, name in names.items()}
    missing = [names[key] for key, value in settings.items() if not value]
    if missing:
        sys.exit(f"missing setting: {', '.join(missing)}")
    jwks = urlsplit(settings["jwks_url"])
    # Over plain http anyone on the path could substitute their own keys.
    if jwks.scheme != "https" and not (jwks.scheme == "http" and jwks.hostname in ("localhost", "127.0.0.1", "::1")):
        sys.exit("PORTCULLIS_JWKS_URL must use https (http is allowed only on localhost)")
    return settings


def main():
    settings = read_settings(os.environ)
    server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("PORT", "3000"))), make_handler(settings))
    print(f"origin listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
