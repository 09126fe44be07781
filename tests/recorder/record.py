#!/usr/bin/env python3
"""Record sessionlab scenarios against REAL Django 5.2.19 (the oracle).

Usage:
    python3 tests/recorder/record.py FILE.txt...          write FILE.jsonl beside each
    python3 tests/recorder/record.py --check FILE.txt...  compare with the existing
                                                          FILE.jsonl, exit 1 on any mismatch

Each scenario runs in its own child process (``--emit FILE``) so that every run
starts from a fresh world: fresh settings, in-memory database, local-memory
cache, session-file directory, clock and browsers.  The transcript format follows its
specification (spec/transcript.md) and the command language (spec/commands.md).

Design decisions (mirror these in the Rust simulation)
=======================================================

Django world
------------
* ``settings.configure()`` with ``SECRET_KEY='sessionlab-oracle-secret'``,
  ``USE_TZ=True``, ``INSTALLED_APPS`` = contenttypes, auth, sessions,
  ``MIDDLEWARE`` = [SessionMiddleware, AuthenticationMiddleware] (no
  CommonMiddleware, no CSRF middleware), sqlite ``:memory:`` database,
  ``SESSION_FILE_PATH`` = a fresh temporary directory, ``ROOT_URLCONF`` = an
  in-process module with one catch-all view.  Everything else is the Django 5.2
  default (``CACHES`` is the default local-memory cache, ``DEBUG=False``,
  ``TEMPLATES=[]``, so a 500 is Django's plain "Server Error (500)").
* The database is migrated (``migrate``, verbosity 0) before the first line,
  unless the scenario's first line is exactly ``# world: unmigrated``: then no
  table exists (not even auth_user) until ``manage.py migrate``.
* A request is a real WSGI round trip through a *fresh* ``WSGIHandler`` (so the
  middleware chain, and the SESSION_ENGINE it imports, is rebuilt for every
  request and a settings change applies to the next request).  The environ is
  built from the current site (below); the ``Cookie`` header is built by the
  simulated browser.
* ``settings.NAME = <literal>`` (one statement, the right side accepted by
  ``ast.literal_eval``) is a world command: ``setattr(settings, NAME, value)``,
  no request.  Changing ``SESSION_FILE_PATH`` also forgets the file engine's
  cached storage path (as a restart would).  A non-literal right side is an
  error; ``settings.X = ...`` combined with other statements is view code.
* ``server restart`` clears every configured cache (the local-memory cache);
  the database, the session files, settings, users and browsers stay.
* ``manage.py migrate`` / ``manage.py clearsessions`` run the real commands with
  ``call_command``; an exception they raise is reported like a view error
  (``OperationalError: no such table: django_session``).

Simulated clock
---------------
* Starts at 2026-01-01T00:00:00Z (unix 1767225600) and only ``clock +N<unit>``
  moves it (units s m h d w; no unit = seconds; N a non-negative integer).
* ``time.time`` and ``django.utils.timezone.now`` are replaced by the simulated
  clock (everything Django's session, cookie, signing and cache code uses).
  User code calling ``datetime.now()`` directly still sees the real time (not
  in the supported subset).
* Every time the file engine's ``save()`` returns or raises, the session file
  (if it exists, including an empty placeholder) gets ``os.utime`` = now, since
  the engine's expiry check reads the file's mtime.

View code
---------
* Any line that is not a world command is Python run as the body of the view:
  ``exec`` in one namespace dict holding ``request``, ``response`` (a fresh
  ``HttpResponse()``), ``settings``, ``login``, ``logout``, ``timedelta``
  (``datetime.timedelta``), ``timezone`` (``django.utils.timezone``) and the
  real builtins.  The view returns ``response`` from that namespace.
* The line is parsed with ``ast`` before any request: invalid Python gives
  ``<ErrorClass>: <msg>`` with CPython's own class and message (``SyntaxError:
  '(' was never closed``; ``IndentationError`` is kept as is) and makes no
  request.
* If the last statement is an expression, it is evaluated and, when not None,
  the outcome is ``{"value": repr(value)}`` (repr taken inside the view, right
  after evaluation).  Otherwise ``{"ok": true}``.
* ``authenticate``, ``update_session_auth_hash`` (``django.contrib.auth``) and
  ``get_token`` (``django.middleware.csrf``) are in the namespace as they are.
  ``request.user.set_password()`` / ``.save()`` hash with the default PBKDF2
  hasher; the simulation keeps one user object per user and request.
* A first line ``# world: csrf`` puts ``CsrfViewMiddleware`` in ``MIDDLEWARE``
  between the session and auth middleware (``startproject``'s order); then
  ``login()`` rotates the token and a posted form is rejected with 403.  Each
  CSRF secret the middleware made is written ``<csrfN>`` (in order made).
* ``login(request, 'alice')``: the User named alice, created with
  ``User.objects.create_user('alice')`` on first use (pks 1, 2, ... in order of
  first use; unusable random password, so the session hash is random and
  shown as ``<auth_hash>``), then ``django.contrib.auth.login``.  A User object
  is accepted too.  ``logout`` is ``django.contrib.auth.logout``.
* Any exception that reaches Django's ``response_for_exception`` (from the view
  or from a middleware, e.g. the JSON ``TypeError`` at save time or
  ``SessionInterrupted``) is the outcome: ``{"error": "Name: message"}``
  (``type(e).__name__``, ``str(e)``; just ``Name`` if the message is empty).
  The first such exception of the request wins.  An exception while building
  the middleware chain (e.g. a bad SESSION_ENGINE) is reported the same way,
  with an empty ``set_cookies``.
* Memory addresses in any text are written `` at 0x...>``.

Sites and the simulated browser (Chromium 156)
----------------------------------------------
* The world starts at ``http://127.0.0.1:8000``.  ``site ORIGIN`` moves every
  browser: ``http://`` or ``https://`` (any case), a host of ASCII letters,
  digits, ``-`` and ``.`` whose labels are non-empty and start and end with a
  letter or digit, or (when the last label is all digits) a dotted-quad IPv4
  address (1-3 digits a part, each <= 255), then optionally ``:PORT`` (1 to 5
  digits, 1-65535), nothing else.  Scheme and host are lowercased, a default
  port (80 http, 443 https) is dropped.  Anything else (also ``site`` alone or
  with two words) is ``not an http or https origin: 'TEXT'`` with TEXT the rest
  of the line, stripped, as Python's repr.
* A request is a WSGI environ with ``HTTP_HOST`` = host[:port],
  ``SERVER_NAME`` = host, ``SERVER_PORT`` = the port or the scheme default,
  ``wsgi.url_scheme`` = the scheme and ``HTTPS=on`` for https.
  ``ALLOWED_HOSTS=['*']`` (as the Chromium harness), so ``get_host()`` never
  fails.  ``visit ... via form`` is a POST with an empty form body.
* ``visit PATH from ORIGIN [via link|form|image]``: PATH must start with ``/``
  (else the plain visit error); then exactly ``from ORIGIN`` or ``from ORIGIN
  via WAY``, else ``visit PATH from ORIGIN needs an origin and optionally via
  link, form or image, e.g. visit /cart from https://evil.example via form``;
  then the origin is checked as for ``site``.
* Loopback (potentially trustworthy) hosts: ``127.0.0.0/8``, ``localhost``
  and ``*.localhost``.  A site is secure when https or loopback.
* Registrable domain: the public suffix list's default rule (last label is
  the suffix), so the last two labels; none for an IP address or a one-label
  host.  Same-site = same scheme and same registrable domain (or same host).
* Jar keyed by (name, shown domain, path); shown domain = host for host-only,
  ``.`` + domain for a domain cookie.  Each cookie keeps its raw value (the
  text after the first ``=`` of the real ``Set-Cookie`` text, trimmed of
  spaces/tabs), creation time (simulated seconds) and a global creation
  counter (ties within a second).
* Set-Cookie: the browser parses ``Morsel.OutputString()``, the header text
  Django wrote.  Attributes are case-insensitive, a value over 1024 bytes is
  dropped.  Checks in this order (first wins, a refused header changes
  nothing): name + raw value over 4096 bytes -> NameValuePairExceedsMaxSize;
  Domain (lowercased, one leading dot dropped; empty or ``.`` = none): on a
  host without registrable domain it must equal the host (then host-only),
  else its registrable domain must equal the host's and the host must be it
  or a subdomain -> otherwise InvalidDomain; prefixes (case-insensitive):
  ``__Secure-`` needs Secure + secure site, ``__Host-`` also ``Path=/`` as an
  attribute and no Domain attribute (or one equal to the IP host), ``__Http-``
  Secure + secure site + HttpOnly -> InvalidPrefix; cookies off ->
  UserPreferences; Secure on a non-secure site -> SecureOnly; response to a
  cross-site image and SameSite not None -> SchemefulSameSite{Strict,Lax,
  UnspecifiedTreatedAsLax}; SameSite=None without Secure ->
  SameSiteNoneInsecure; a non-Secure cookie from a non-secure site while a
  Secure cookie of that name exists whose domain equals or is a subdomain of
  the new one's, or the other way round, and whose path the new path
  path-matches -> OverwriteSecure.
* Expiry: a Max-Age matching ``-?\\d+`` wins (<= 0: delete); else Expires by
  Chromium's date parser (``parse_cookie_date``); an unreadable date means
  none.  An expiry <= now deletes the (name, domain, path) cookie and stores
  nothing (not a refusal).  Else it is capped at now + 34,560,000 s.
  A year > 9999 is far future; < 1601 far past.
* Path: the attribute if it starts with ``/``, else the default path of the
  request path (up to its last ``/``, or ``/``).
* Setting a (name, domain, path) cookie again with the same raw value keeps
  its creation time and counter (whatever other attributes change); a new
  value gets new ones.  Cookies of one response are created in header order.
* Sending to site+path (the path without query): the current browser's
  cookies whose domain matches the host, ordered longer path first (bytes),
  then older (counter).  Each is left out with the first reason of:
  SecureOnly (Secure, site not secure), NotOnPath, on a cross-site request
  SchemefulSameSiteStrict (Strict), then for link nothing else, for form
  SchemefulSameSiteLax (Lax) or SchemefulSameSiteUnspecifiedTreatedAsLax (no
  SameSite and now - creation > 120 s), for image Lax / unset as for form but
  without the 120 s exception; UserPreferences (cookies off).  ``not_sent``
  lists them in that order.  View code, plain ``visit`` and ``browser js`` are
  same-site; ``visit ... from`` a same-site origin too.
* A cookie is gone once now >= its expiry (purged before every send, command
  and display).
* ``browser close``: drop every cookie without expiry, all domains.
  ``browser clear``: drop all.  ``browser set N=V`` (name and value stripped):
  over 4096 bytes -> ``browser refuses cookie 'N': name and value over 4096
  bytes``; else every cookie named N that matches the current host gets value
  V (kept attributes; creation kept only if V is the same value); none ->
  a new host-only, browser-session cookie for ``/`` without flags.
  ``browser delete N``: every such cookie, error ``browser 'B' has no cookie
  'N'`` if none.  ``browser copy N from B``: every such cookie of B (for the
  current host) is stored in this browser with its domain, path, expiry and
  flags (same rule for creation).  These work with cookies off too.
* ``browser js``: ``''`` with cookies off, else the cookies a same-site GET to
  the current site and path would send, minus HttpOnly, ``name=value`` raw,
  joined by ``; ``.
* ``path /p`` and ``site`` are global (not per browser); ``visit /p`` does not
  change the current path.

Transcript
----------
* Fields in the order line, input, outcome, browser, request, set_cookies,
  jar, store; ``request``/``set_cookies`` only for commands that made a
  request (not ``site``).  JSON written with ``json.dumps`` default separators.
* ``request``: method, url (site origin + path as typed), cookies
  ``[[name, raw value], ...]`` in header order, ``not_sent`` (absent when
  empty), ``from``/``via`` for ``visit ... from``.
* ``set_cookies``: from ``response.cookies`` in order: name, value (as Django
  set it, decoded), ``max_age`` (if written), ``path`` (if written),
  ``domain`` (if written), ``secure`` and ``httponly`` (always, booleans),
  ``samesite`` (if written, as Django wrote it), ``blocked`` (if refused).
  ``expires`` is not shown.
* ``jar``: every cookie of the current browser, sorted by shown domain
  (code points), then header order: name, raw value, domain, path,
  expires_in (int, or null), secure, httponly, samesite (Strict/Lax/None,
  absent when none).
* ``store``: the current engine's sessions ordered by the order Django
  generated their keys.  db/cached_db: the django_session rows decoded with
  the engine's ``decode()``, ``expires_in = expire_date - now``; cache: live
  local-memory entries with the ``django.contrib.sessions.cache`` prefix,
  ``expires_in = cache expiry - now``; file: files named
  ``SESSION_COOKIE_NAME + key`` in the storage dir, data decoded (empty file =
  ``{}``), ``expires_in = get_expiry_age(expiry=_expiry_date(data))``;
  signed_cookies, an unmigrated db or an unimportable engine: ``{}``.
* Values JSON cannot hold are ``{"repr": repr(v)}`` (per value, recursively;
  a tuple is a list; a dict with a non-str key is a repr).
* Normalization (everything but ``input``): each session key Django generated
  (recorded by wrapping ``SessionBase._get_new_session_key``) becomes
  ``<keyN>``, numbered in order of first appearance in the serialized line
  (fields in order), numbers kept for the whole transcript; every
  ``_get_session_auth_hash`` result becomes ``<auth_hash>``; a cookie value
  the signed_cookies engine produced in this run (recorded by wrapping its
  ``_get_session_key``), whatever the cookie's name and the engine now, is
  shown in request.cookies, set_cookies and jar as ``{"signed": data}`` when
  a fresh signed_cookies ``SessionStore(value).load()`` accepts it now (does
  not set ``modified``), else
  ``{"signed": "invalid"}``; a deleting header's ``""`` stays ``""``.
"""

import ast
import json
import os
import re
import subprocess
import sys

SIM_START = 1767225600  # 2026-01-01T00:00:00Z
WORLD_WORDS = ("visit", "site", "path", "browser", "clock", "manage.py", "server")
VIAS = ("link", "form", "image")
VISIT_FROM_USAGE = ("visit PATH from ORIGIN needs an origin and optionally via link, form "
                    "or image, e.g. visit /cart from https://evil.example via form")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "": 1}


# ---------------------------------------------------------------------------
# Parent: orchestrate, write, check
# ---------------------------------------------------------------------------


def run_child(path):
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--emit", path],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"recording {path} failed (exit {proc.returncode})")
    return proc.stdout


def diff_values(path, exp, got, out):
    if isinstance(exp, dict) and isinstance(got, dict):
        for k in exp:
            if k not in got:
                out.append(f"{path}.{k}: expected {json.dumps(exp[k])}, missing")
            else:
                diff_values(f"{path}.{k}", exp[k], got[k], out)
        for k in got:
            if k not in exp:
                out.append(f"{path}.{k}: unexpected {json.dumps(got[k])}")
        return
    if isinstance(exp, list) and isinstance(got, list):
        if len(exp) != len(got):
            out.append(f"{path}: expected {json.dumps(exp)}, got {json.dumps(got)}")
            return
        for i, (e, g) in enumerate(zip(exp, got)):
            diff_values(f"{path}[{i}]", e, g, out)
        return
    # JSON equality: true is not 1
    if type(exp) is not type(got) or exp != got:
        if not (isinstance(exp, (int, float)) and isinstance(got, (int, float))
                and not isinstance(exp, bool) and not isinstance(got, bool)
                and exp == got):
            out.append(f"{path}: expected {json.dumps(exp)}, got {json.dumps(got)}")


def check(path, produced):
    golden_path = os.path.splitext(path)[0] + ".jsonl"
    if not os.path.exists(golden_path):
        return [f"{golden_path}: missing"]
    with open(golden_path, encoding="utf-8") as f:
        exp_lines = [json.loads(x) for x in f.read().splitlines() if x.strip()]
    got_lines = [json.loads(x) for x in produced.splitlines() if x.strip()]
    problems = []
    for i in range(max(len(exp_lines), len(got_lines))):
        if i >= len(exp_lines):
            problems.append(f"  extra line: {json.dumps(got_lines[i])}")
            continue
        if i >= len(got_lines):
            problems.append(f"  missing line: {json.dumps(exp_lines[i])}")
            continue
        out = []
        diff_values("", exp_lines[i], got_lines[i], out)
        if out:
            e = exp_lines[i]
            problems.append(f"  line {e.get('line')} `{e.get('input')}`:")
            problems.extend("    " + o.lstrip(".") for o in out)
    return problems


def main(argv):
    if len(argv) >= 2 and argv[0] == "--emit":
        emit(argv[1])
        return 0
    do_check = False
    files = []
    for a in argv:
        if a == "--check":
            do_check = True
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            files.append(a)
    if not files:
        print("usage: record.py [--check] FILE.txt...", file=sys.stderr)
        return 2
    failed = 0
    for path in files:
        produced = run_child(path)
        if do_check:
            problems = check(path, produced)
            if problems:
                failed += 1
                print(f"MISMATCH {path}")
                print("\n".join(problems))
            else:
                print(f"ok       {path}")
        else:
            out = os.path.splitext(path)[0] + ".jsonl"
            with open(out, "w", encoding="utf-8") as f:
                f.write(produced)
            print(f"wrote    {out}")
    if do_check:
        print(f"{len(files) - failed} ok, {failed} mismatched")
    return 1 if failed else 0


# ---------------------------------------------------------------------------
# Child: one scenario in a fresh Django world
# ---------------------------------------------------------------------------


class Clock:
    now = SIM_START


class State:
    """Per-request scratch shared with the view and the exception hook."""

    mode = None  # "visit" or "code"
    body = None
    expr = None
    value_repr = None
    error = None


KEY_ORDER = []  # session keys in the order Django generated them
KEY_SEEN = set()
SIGNED_VALUES = set()  # cookie values the signed_cookies engine produced
HASHES = set()
CSRF_SECRETS = []  # CSRF secrets in the order CsrfViewMiddleware made them


class WorldError(Exception):
    """A world command that cannot be done (message in the tool's words)."""


def fmt_exc(e):
    msg = str(e)
    name = type(e).__name__
    return f"{name}: {msg}" if msg else name


def setup_django(unmigrated, csrf=False):
    import tempfile
    import time
    import types
    import logging
    import datetime as dt

    from django.conf import settings

    file_dir = tempfile.mkdtemp(prefix="sessionlab-files-")
    urls = types.ModuleType("sessionlab_oracle_urls")
    sys.modules["sessionlab_oracle_urls"] = urls
    settings.configure(
        SECRET_KEY="sessionlab-oracle-secret",
        USE_TZ=True,
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.sessions",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
        ]
        + (["django.middleware.csrf.CsrfViewMiddleware"] if csrf else [])
        + [
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        DATABASES={
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
        },
        SESSION_FILE_PATH=file_dir,
        ROOT_URLCONF="sessionlab_oracle_urls",
        ALLOWED_HOSTS=["*"],
    )

    # --- the simulated clock -------------------------------------------------
    def sim_time():
        return float(Clock.now)

    time.time = sim_time

    import django.utils.timezone as tz

    def sim_now():
        if settings.USE_TZ:
            return dt.datetime.fromtimestamp(Clock.now, tz=dt.timezone.utc)
        return dt.datetime.fromtimestamp(Clock.now)

    tz.now = sim_now

    import django

    django.setup()
    logging.disable(logging.CRITICAL)

    # --- hooks -----------------------------------------------------------------
    from django.contrib.sessions.backends import base as sbase
    from django.contrib.sessions.backends import file as sfile
    from django.contrib.auth.base_user import AbstractBaseUser
    import django.core.handlers.exception as hexc

    orig_new_key = sbase.SessionBase._get_new_session_key

    def tracked_new_key(self):
        key = orig_new_key(self)
        if key not in KEY_SEEN:
            KEY_SEEN.add(key)
            KEY_ORDER.append(key)
        return key

    sbase.SessionBase._get_new_session_key = tracked_new_key

    from django.contrib.sessions.backends import signed_cookies as ssigned

    orig_signed_key = ssigned.SessionStore._get_session_key

    def tracked_signed_key(self):
        value = orig_signed_key(self)
        if value:
            SIGNED_VALUES.add(value)
        return value

    ssigned.SessionStore._get_session_key = tracked_signed_key

    orig_hash = AbstractBaseUser._get_session_auth_hash

    def tracked_hash(self, secret=None):
        h = orig_hash(self, secret=secret)
        HASHES.add(h)
        return h

    AbstractBaseUser._get_session_auth_hash = tracked_hash

    import django.middleware.csrf as mcsrf

    orig_new_csrf = mcsrf._add_new_csrf_cookie

    def tracked_new_csrf(request):
        secret = orig_new_csrf(request)
        CSRF_SECRETS.append(secret)
        return secret

    mcsrf._add_new_csrf_cookie = tracked_new_csrf

    orig_file_save = sfile.SessionStore.save

    def file_save(self, must_create=False):
        try:
            return orig_file_save(self, must_create)
        finally:
            key = self.session_key
            if key and set(key).issubset(sbase.VALID_KEY_CHARS):
                fn = os.path.join(self.storage_path, self.file_prefix + key)
                if os.path.exists(fn):
                    os.utime(fn, (Clock.now, Clock.now))

    sfile.SessionStore.save = file_save

    orig_rfe = hexc.response_for_exception

    def recording_rfe(request, exc):
        if State.error is None:
            State.error = exc
        return orig_rfe(request, exc)

    hexc.response_for_exception = recording_rfe

    # --- the one view -------------------------------------------------------------
    from django.http import HttpResponse
    from django.urls import re_path
    from django.contrib.auth import logout as auth_logout, login as auth_login
    from django.core import signing
    from django.utils.functional import SimpleLazyObject, empty
    from django.contrib.auth import authenticate, update_session_auth_hash
    from django.middleware.csrf import get_token
    from django.utils import timezone as django_timezone

    def login(request, user, backend=None):
        if isinstance(user, str):
            from django.contrib.auth import get_user_model

            User = get_user_model()
            obj = User.objects.filter(username=user).first()
            if obj is None:
                obj = User.objects.create_user(user)
            user = obj
        return auth_login(request, user, backend)

    def oracle_view(request):
        response = HttpResponse()
        if State.mode != "code":
            return response
        ns = {
            "__builtins__": __builtins__,
            "__name__": "__view__",
            "request": request,
            "response": response,
            "settings": settings,
            "login": login,
            "logout": auth_logout,
            "signing": signing,
            "authenticate": authenticate,
            "update_session_auth_hash": update_session_auth_hash,
            "get_token": get_token,
            "timedelta": dt.timedelta,
            "timezone": django_timezone,
        }
        try:
            exec(State.body, ns)
            if State.expr is not None:
                value = eval(State.expr, ns)
                if isinstance(value, SimpleLazyObject):
                    # The echo of `request.user` is the user it stands for
                    # (spec/transcript.md); working it out loads the session.
                    if value._wrapped is empty:
                        value._setup()
                    value = value._wrapped
                if value is not None:
                    State.value_repr = repr(value)
        except Exception:
            raise
        except BaseException as e:  # SystemExit & co: report, keep the recorder alive
            State.error = e
            raise RuntimeError(fmt_exc(e))
        return ns.get("response", response)

    urls.urlpatterns = [re_path(r"^.*$", oracle_view)]

    if not unmigrated:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


# --- value display helpers ------------------------------------------------------


def to_json(v):
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return {"repr": repr(v)}
        return v
    if isinstance(v, (list, tuple)) and type(v) in (list, tuple):
        return [to_json(x) for x in v]
    if type(v) is dict and all(isinstance(k, str) for k in v):
        return {k: to_json(x) for k, x in v.items()}
    return {"repr": repr(v)}


# --- sites and origins ------------------------------------------------------------


class Origin:
    def __init__(self, scheme, host, port):
        self.scheme = scheme  # "http" or "https"
        self.host = host  # lowercase host name or IPv4 address
        self.port = port  # int, or None for the scheme's default

    def __str__(self):
        return f"{self.scheme}://{self.host}" + ("" if self.port is None else f":{self.port}")

    def trustworthy(self):
        """https, or a loopback host: Chromium lets Secure cookies in and out."""
        return self.scheme == "https" or is_loopback(self.host)

    def same_site(self, other):
        return self.scheme == other.scheme and site_of(self.host) == site_of(other.host)


START_ORIGIN = ("http", "127.0.0.1", 8000)
VALID_HOST_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-.")


def parse_ipv4(host):
    parts = host.split(".")
    if len(parts) != 4:
        return None
    out = []
    for p in parts:
        if not p or len(p) > 3 or not p.isdigit() or not p.isascii():
            return None
        v = int(p)
        if v > 255:
            return None
        out.append(v)
    return out


def is_ip(host):
    return parse_ipv4(host) is not None


def is_loopback(host):
    ip = parse_ipv4(host)
    if ip is not None:
        return ip[0] == 127
    return host == "localhost" or host.endswith(".localhost")


def is_public_suffix(domain):
    """The public suffix list's default rule: the last label is a suffix."""
    return domain != "" and "." not in domain and not is_ip(domain)


def registrable_domain(host):
    if is_ip(host) or is_public_suffix(host) or host == "":
        return None
    return ".".join(host.split(".")[-2:])


def site_of(host):
    return registrable_domain(host) or host


def valid_host(host):
    if not host or not set(host) <= VALID_HOST_CHARS:
        return False
    last = host.rsplit(".", 1)[-1]
    if last.isdigit():
        return is_ip(host)
    for label in host.split("."):
        if not label or label[0] == "-" or label[-1] == "-":
            return False
    return True


def parse_origin(text):
    """``http://`` or ``https://`` (any case), a host, an optional port."""
    bad = WorldError(f"not an http or https origin: {text!r}")
    low = text.lower()
    if low.startswith("http://"):
        scheme, rest = "http", low[7:]
    elif low.startswith("https://"):
        scheme, rest = "https", low[8:]
    else:
        raise bad
    port = None
    if ":" in rest:
        rest, p = rest.split(":", 1)
        if not p or len(p) > 5 or not (p.isdigit() and p.isascii()):
            raise bad
        port = int(p)
        if not 1 <= port <= 65535:
            raise bad
    if not valid_host(rest):
        raise bad
    if port == (80 if scheme == "http" else 443):
        port = None
    return Origin(scheme, rest, port)


# --- the cookie jar (Chromium 156's rules) -----------------------------------------

MAX_NAME_VALUE = 4096
MAX_ATTR_VALUE = 1024
MAX_EXPIRY = 400 * 86400  # 34,560,000 s
DEVTOOLS_SAMESITE = {"strict": "Strict", "lax": "Lax", "none": "None"}
SAMESITE_REASON = {
    "Strict": "SchemefulSameSiteStrict",
    "Lax": "SchemefulSameSiteLax",
    None: "SchemefulSameSiteUnspecifiedTreatedAsLax",
}
LAX_ALLOW_UNSAFE = 120  # seconds; CanonicalCookie::IsRecentlyCreated uses <=


def path_match(req_path, cookie_path):
    if req_path == cookie_path:
        return True
    if req_path.startswith(cookie_path):
        if cookie_path.endswith("/") or req_path[len(cookie_path)] == "/":
            return True
    return False


def default_path(req_path):
    if not req_path.startswith("/") or req_path.count("/") == 1:
        return "/"
    return req_path[: req_path.rfind("/")]


def domain_match(host, cookie):
    """Whether a cookie is "for" this host (sent to it, listed for it)."""
    if cookie.host_only:
        return host == cookie.domain
    return host == cookie.domain or host.endswith("." + cookie.domain)


def blen(s):
    return len(s.encode("utf-8"))


# Chromium's cookie_util::ParseCookieExpirationTime
DATE_DELIMS = set("\t !\"#$%&'()*+,-./;<=>?@[\\]^_`{|}~")
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun",
          "jul", "aug", "sep", "oct", "nov", "dec"]


def _scan_time(token):
    """sscanf(token, "%2u:%2u:%2u") == 3"""
    vals = []
    i = 0
    for k in range(3):
        if k:
            if i >= len(token) or token[i] != ":":
                return None
            i += 1
        j = i
        while j < len(token) and j - i < 2 and token[j].isdigit() and token[j].isascii():
            j += 1
        if j == i:
            return None
        vals.append(int(token[i:j]))
        i = j
    return vals


def _atoi(token):
    j = 0
    while j < len(token) and token[j].isdigit() and token[j].isascii():
        j += 1
    return int(token[:j]) if j else 0


def parse_cookie_date(text):
    """Unix seconds, or None when Chromium ignores the date. A year past 9999
    is far future (the caller caps it)."""
    import calendar

    tokens, cur = [], ""
    for ch in text:
        if ch in DATE_DELIMS:
            if cur:
                tokens.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        tokens.append(cur)
    month = day = year = tm = None
    for tok in tokens:
        if not (tok[0].isdigit() and tok[0].isascii()):
            if month is None:
                for i, m in enumerate(MONTHS):
                    if tok[:3].lower() == m:
                        month = i + 1
                        break
        elif ":" in tok:
            if tm is None:
                t = _scan_time(tok)
                if t is not None:
                    tm = t
        else:
            if day is None and len(tok) <= 2:
                day = _atoi(tok)
            elif year is None and len(tok) <= 5:
                year = _atoi(tok)
    if month is None or day is None or year is None or tm is None:
        return None
    if 70 <= year <= 99:
        year += 1900
    elif 0 <= year <= 69:
        year += 2000
    h, mi, s = tm
    if not (1 <= day <= 31 and h <= 23 and mi <= 59 and s <= 59):
        return None
    if year > 9999:
        return float("inf")
    if year < 1601:
        return float("-inf")
    if day > calendar.monthrange(year, month)[1]:
        return None
    return calendar.timegm((year, month, day, h, mi, s, 0, 0, 0))


def parse_set_cookie(line):
    """Split a Set-Cookie line as Chromium's ParsedCookie does."""
    parts = line.split(";")
    first = parts[0]
    if "=" in first:
        name, value = first.split("=", 1)
    else:
        name, value = "", first
    name, value = name.strip(" \t"), value.strip(" \t")
    attrs = {}
    for p in parts[1:]:
        k, eq, v = p.partition("=")
        k, v = k.strip(" \t").lower(), v.strip(" \t")
        if not k:
            continue
        if blen(v) > MAX_ATTR_VALUE:
            continue  # an attribute value over 1024 bytes is ignored
        attrs[k] = v
    return name, value, attrs


class Cookie:
    def __init__(self, name, value, domain, host_only, path, expiry, secure,
                 httponly, samesite, created, seq):
        self.name = name
        self.value = value  # raw, as on the wire
        self.domain = domain  # without a leading dot
        self.host_only = host_only
        self.path = path
        self.expiry = expiry  # absolute unix seconds or None (browser session)
        self.secure = secure
        self.httponly = httponly
        self.samesite = samesite  # "Strict", "Lax", "None" or None
        self.created = created  # simulated unix seconds
        self.seq = seq  # global creation counter (ties within a second)

    def shown_domain(self):
        return self.domain if self.host_only else "." + self.domain

    def key(self):
        return (self.name, self.shown_domain(), self.path)

    def copy(self):
        c = Cookie.__new__(Cookie)
        c.__dict__.update(self.__dict__)
        return c


class Browser:
    seq = 0

    def __init__(self, name):
        self.name = name
        self.jar = {}  # (name, shown domain, path) -> Cookie
        self.cookies_on = True

    @classmethod
    def next_seq(cls):
        cls.seq += 1
        return cls.seq

    def purge(self):
        for k in [k for k, c in self.jar.items()
                  if c.expiry is not None and Clock.now >= c.expiry]:
            del self.jar[k]

    def store(self, c):
        """Put c in the jar; an equal (name, domain, path) cookie with the same
        value hands down its creation time."""
        old = self.jar.get(c.key())
        if old is not None and old.value == c.value:
            c.created, c.seq = old.created, old.seq
        else:
            c.created, c.seq = Clock.now, Browser.next_seq()
        self.jar[c.key()] = c

    def ordered(self, cookies):
        return sorted(cookies, key=lambda c: (-blen(c.path), c.seq))

    def jar_list(self):
        self.purge()
        return sorted(self.jar.values(),
                      key=lambda c: (c.shown_domain(), -blen(c.path), c.seq))

    def for_host(self, host):
        self.purge()
        return self.ordered(c for c in self.jar.values() if domain_match(host, c))

    def select(self, site, req_path, initiator=None, via=None):
        """(sent, not_sent) for a request to site+req_path; initiator/via for a
        request made by a page of another origin."""
        cross = initiator is not None and not site.same_site(initiator)
        sent, not_sent = [], []
        for c in self.for_host(site.host):
            reason = None
            if c.secure and not site.trustworthy():
                reason = "SecureOnly"
            elif not path_match(req_path, c.path):
                reason = "NotOnPath"
            elif cross and c.samesite != "None":
                if c.samesite == "Strict":
                    reason = SAMESITE_REASON["Strict"]
                elif via == "link":
                    pass
                elif c.samesite == "Lax":
                    reason = SAMESITE_REASON["Lax"]
                elif via == "form" and Clock.now - c.created <= LAX_ALLOW_UNSAFE:
                    pass
                else:
                    reason = SAMESITE_REASON[None]
            if reason is None and not self.cookies_on:
                reason = "UserPreferences"
            if reason is None:
                sent.append(c)
            else:
                not_sent.append((c, reason))
        return sent, not_sent

    def receive(self, site, req_path, line, cross_image):
        """Apply one Set-Cookie line; return the refusal reason or None."""
        self.purge()
        name, value, attrs = parse_set_cookie(line)
        if blen(name) + blen(value) > MAX_NAME_VALUE:
            return "NameValuePairExceedsMaxSize"
        host = site.host
        # Domain
        host_only, domain = True, host
        if "domain" in attrs and attrs["domain"] not in ("", "."):
            d = attrs["domain"].lower()
            if d.startswith("."):
                d = d[1:]
            reg = registrable_domain(host)
            if reg is None:
                if d != host:
                    return "InvalidDomain"
            else:
                if registrable_domain(d) != reg:
                    return "InvalidDomain"
                if not (host == d or host.endswith("." + d)):
                    return "InvalidDomain"
                host_only, domain = False, d
        secure = "secure" in attrs
        httponly = "httponly" in attrs
        # Prefixes, any case
        low = name.lower()
        src_secure = site.trustworthy()
        if low.startswith("__secure-") and not (secure and src_secure):
            return "InvalidPrefix"
        if low.startswith("__host-"):
            dom_ok = "domain" not in attrs or (
                is_ip(host) and attrs["domain"].lower().lstrip(".") == host)
            if not (secure and src_secure and attrs.get("path") == "/" and dom_ok):
                return "InvalidPrefix"
        if low.startswith("__http-") and not (secure and src_secure and httponly):
            return "InvalidPrefix"
        if not self.cookies_on:
            return "UserPreferences"
        if secure and not src_secure:
            return "SecureOnly"
        samesite = DEVTOOLS_SAMESITE.get(attrs["samesite"].lower()) if "samesite" in attrs else None
        if cross_image and samesite != "None":
            return SAMESITE_REASON[samesite]
        if samesite == "None" and not secure:
            return "SameSiteNoneInsecure"
        path = attrs.get("path", "")
        if not path.startswith("/"):
            path = default_path(req_path)
        if not secure and not src_secure:
            for c in self.jar.values():
                if (c.secure and c.name == name
                        and (c.domain == domain or c.domain.endswith("." + domain)
                             or domain.endswith("." + c.domain))
                        and path_match(path, c.path)):
                    return "OverwriteSecure"
        # Expiry: Max-Age over Expires, capped at 400 days after arrival
        expiry = None
        ma = attrs.get("max-age")
        if ma is not None and re.fullmatch(r"-?\d+", ma):
            ma = int(ma)
            expiry = Clock.now + ma if ma > 0 else float("-inf")
        elif "expires" in attrs:
            expiry = parse_cookie_date(attrs["expires"])
        if expiry is not None:
            if expiry <= Clock.now:
                self.jar.pop((name, domain if host_only else "." + domain, path), None)
                return None
            expiry = min(expiry, Clock.now + MAX_EXPIRY)
        self.store(Cookie(name, value, domain, host_only, path, expiry, secure,
                          httponly, samesite, Clock.now, 0))
        return None



class World:
    def __init__(self, unmigrated, csrf=False):
        setup_django(unmigrated, csrf)
        from django.conf import settings

        self.settings = settings
        self.browsers = {"default": Browser("default")}
        self.cur = self.browsers["default"]
        self.path = "/"
        self.key_numbers = {}
        self.site = Origin(*START_ORIGIN)

    # --- engine helpers --------------------------------------------------------
    def engine_class(self):
        from importlib import import_module

        try:
            return import_module(self.settings.SESSION_ENGINE).SessionStore
        except Exception:
            return None

    def is_signed_engine(self):
        from django.contrib.sessions.backends import signed_cookies

        SS = self.engine_class()
        return SS is not None and issubclass(SS, signed_cookies.SessionStore)

    def show_value(self, value):
        """A cookie value as shown in request.cookies / set_cookies / jar: a
        value the signed_cookies engine produced in this run is {"signed": ...}."""
        if value not in SIGNED_VALUES:
            return value
        from django.contrib.sessions.backends import signed_cookies

        try:
            s = signed_cookies.SessionStore(value)
            s.modified = False
            data = s.load()
            if not s.modified:
                return {"signed": to_json(data)}
        except Exception:
            pass
        return {"signed": "invalid"}

    def jar_view(self, b=None):
        b = b or self.cur
        out = []
        for c in b.jar_list():
            j = {
                "name": c.name,
                "value": self.show_value(c.value),
                "domain": c.shown_domain(),
                "path": c.path,
                "expires_in": None if c.expiry is None else int(c.expiry - Clock.now),
                "secure": c.secure,
                "httponly": c.httponly,
            }
            if c.samesite is not None:
                j["samesite"] = c.samesite
            out.append(j)
        return out

    def store_view(self):
        from django.contrib.sessions.backends import (
            cache as scache,
            db as sdb,
            file as sfile,
        )

        SS = self.engine_class()
        if SS is None:
            return {}
        rows = []  # (key, data, expires_in)
        try:
            if issubclass(SS, sdb.SessionStore):
                rows = self.db_rows(SS)
            elif issubclass(SS, scache.SessionStore):
                rows = self.cache_rows(SS)
            elif issubclass(SS, sfile.SessionStore):
                rows = self.file_rows(SS)
        except Exception:
            rows = []
        order = {k: i for i, k in enumerate(KEY_ORDER)}
        rows.sort(key=lambda r: (order.get(r[0], len(order)), r[0]))
        return {k: {"data": to_json(d), "expires_in": e} for k, d, e in rows}

    def db_rows(self, SS):
        from django.db import DatabaseError
        from django.contrib.sessions.models import Session
        from django.utils import timezone

        try:
            objs = list(Session.objects.all())
        except DatabaseError:
            return []
        s = SS()
        now = timezone.now()
        return [
            (o.session_key, s.decode(o.session_data),
             int(round((o.expire_date - now).total_seconds())))
            for o in objs
        ]

    def cache_rows(self, SS):
        from django.core.cache import caches
        from django.core.cache.backends.locmem import LocMemCache
        import pickle

        c = caches[self.settings.SESSION_CACHE_ALIAS]
        if not isinstance(c, LocMemCache):
            return []
        prefix = c.make_key(SS.cache_key_prefix)
        other = c.make_key("django.contrib.sessions.cached_db")
        rows = []
        for k in list(c._cache.keys()):
            if not k.startswith(prefix) or k.startswith(other):
                continue
            exp = c._expire_info.get(k)
            if exp is not None and exp <= Clock.now:
                continue
            data = pickle.loads(c._cache[k])
            rows.append((k[len(prefix):], data,
                         None if exp is None else int(round(exp - Clock.now))))
        return rows

    def file_rows(self, SS):
        from django.contrib.sessions.backends.base import VALID_KEY_CHARS

        storage = SS._get_storage_path()
        prefix = self.settings.SESSION_COOKIE_NAME
        rows = []
        for fn in os.listdir(storage):
            if not fn.startswith(prefix):
                continue
            key = fn[len(prefix):]
            if not key or not set(key).issubset(VALID_KEY_CHARS):
                continue
            s = SS(key)
            with open(os.path.join(storage, fn), encoding="ascii") as f:
                content = f.read()
            data = s.decode(content) if content else {}
            age = s.get_expiry_age(expiry=s._expiry_date(data))
            rows.append((key, data, age))
        return rows

    # --- requests -------------------------------------------------------------------
    def http(self, path, mode, body=None, expr=None, initiator=None, via=None):
        import io
        from django.core.handlers.wsgi import WSGIHandler

        b = self.cur
        site = self.site
        req_path, _, query = path.partition("?")
        sent, not_sent = b.select(site, req_path, initiator, via)
        header = "; ".join(f"{c.name}={c.value}" if c.name else c.value for c in sent)
        method = "POST" if via == "form" else "GET"
        request_view = {
            "method": method,
            "url": f"{site}{path}",
            "cookies": [[c.name, self.show_value(c.value)] for c in sent],
        }
        if not_sent:
            request_view["not_sent"] = [{"name": c.name, "reason": r} for c, r in not_sent]
        if initiator is not None:
            request_view["from"] = str(initiator)
            request_view["via"] = via
        port = site.port or (443 if site.scheme == "https" else 80)
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": req_path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": site.host,
            "SERVER_PORT": str(port),
            "HTTP_HOST": site.host if site.port is None else f"{site.host}:{site.port}",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": site.scheme,
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
            "wsgi.multiprocess": False,
            "wsgi.multithread": False,
            "wsgi.run_once": False,
        }
        if site.scheme == "https":
            environ["HTTPS"] = "on"
        if method == "POST":
            environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
            environ["CONTENT_LENGTH"] = "0"
        if header:
            environ["HTTP_COOKIE"] = header
        State.mode, State.body, State.expr = mode, body, expr
        State.value_repr, State.error = None, None
        response = None
        try:
            handler = WSGIHandler()
            response = handler(environ, lambda status, headers, exc_info=None: None)
        except Exception as e:  # middleware chain could not be built
            if State.error is None:
                State.error = e
        set_cookies = []
        cross_image = (initiator is not None and via == "image"
                       and not site.same_site(initiator))
        if response is not None:
            for name, m in response.cookies.items():
                sc = {"name": name,
                      "value": m.value if m.value == "" else self.show_value(m.value)}
                if m["max-age"] != "":
                    sc["max_age"] = int(m["max-age"])
                if m["path"]:
                    sc["path"] = m["path"]
                if m["domain"]:
                    sc["domain"] = m["domain"]
                sc["secure"] = bool(m["secure"])
                sc["httponly"] = bool(m["httponly"])
                if m["samesite"]:
                    sc["samesite"] = m["samesite"]
                # the real header text Django wrote, as the browser gets it
                blocked = b.receive(site, req_path, m.OutputString(), cross_image)
                if blocked:
                    sc["blocked"] = blocked
                set_cookies.append(sc)
            try:
                response.close()
            except Exception:
                pass
        if State.error is not None:
            outcome = {"error": fmt_exc(State.error)}
        elif State.value_repr is not None:
            outcome = {"value": State.value_repr}
        else:
            outcome = {"ok": True}
        State.mode = None
        return outcome, request_view, set_cookies

    # --- commands -----------------------------------------------------------------
    def classify(self, line):
        first = line.split(None, 1)[0]
        if first in WORLD_WORDS:
            rest = line[len(first):]
            if rest == "" or (rest[0].isspace() and not rest.lstrip().startswith("=")):
                return "world"
        return "code"

    def run_line(self, n, line):
        rec = {"line": n, "input": line}
        kind = self.classify(line)
        req = None
        if kind == "world":
            try:
                outcome, req = self.world(line)
            except WorldError as e:
                outcome = {"error": str(e)}
        else:
            outcome, req = self.code(line)
        rec["outcome"] = outcome
        rec["browser"] = self.cur.name
        if req is not None:
            rec["request"], rec["set_cookies"] = req
        rec["jar"] = self.jar_view()
        rec["store"] = self.store_view()
        return self.normalize(rec)

    def code(self, line):
        try:
            tree = ast.parse(line, mode="exec")
        except SyntaxError as e:
            return {"error": f"{type(e).__name__}: {e.msg}"}, None
        # settings.NAME = <literal> as a lone statement is a world command
        if (len(tree.body) == 1 and isinstance(tree.body[0], ast.Assign)
                and len(tree.body[0].targets) == 1
                and isinstance(tree.body[0].targets[0], ast.Attribute)
                and isinstance(tree.body[0].targets[0].value, ast.Name)
                and tree.body[0].targets[0].value.id == "settings"):
            name = tree.body[0].targets[0].attr
            try:
                value = ast.literal_eval(tree.body[0].value)
            except Exception:
                return {"error": f"settings.{name} needs a Python literal value "
                                 "(e.g. 300, 'text', True, None, ['a'])"}, None
            setattr(self.settings, name, value)
            if name == "SESSION_FILE_PATH":
                from django.contrib.sessions.backends import file as sfile

                if "_storage_path" in sfile.SessionStore.__dict__:
                    del sfile.SessionStore._storage_path
            return {"ok": True}, None
        body, expr = tree.body, None
        if body and isinstance(body[-1], ast.Expr):
            expr = ast.Expression(body[-1].value)
            body = body[:-1]
        try:
            body_code = compile(ast.Module(body=body, type_ignores=[]), "<view>", "exec")
            expr_code = compile(expr, "<view>", "eval") if expr is not None else None
        except SyntaxError as e:
            return {"error": f"{type(e).__name__}: {e.msg}"}, None
        outcome, req_view, set_cookies = self.http(self.path, "code", body_code, expr_code)
        return outcome, (req_view, set_cookies)

    def world(self, line):
        words = line.split()
        cmd, args = words[0], words[1:]
        if cmd == "visit":
            if not args or not args[0].startswith("/"):
                raise WorldError("visit needs a path starting with '/', e.g. visit /about")
            if len(args) == 1:
                outcome, req_view, set_cookies = self.http(args[0], "visit")
                return outcome, (req_view, set_cookies)
            if (args[1] != "from" or len(args) not in (3, 5)
                    or (len(args) == 5 and (args[3] != "via" or args[4] not in VIAS))):
                raise WorldError(VISIT_FROM_USAGE)
            initiator = parse_origin(args[2])
            via = args[4] if len(args) == 5 else "link"
            outcome, req_view, set_cookies = self.http(args[0], "visit", initiator=initiator,
                                                       via=via)
            return outcome, (req_view, set_cookies)
        if cmd == "site":
            self.site = parse_origin(line[len("site"):].strip())
            return {"ok": True}, None
        if cmd == "path":
            if len(args) != 1 or not args[0].startswith("/"):
                raise WorldError("path needs a path starting with '/', e.g. path /cart")
            self.path = args[0]
            return {"ok": True}, None
        if cmd == "clock":
            m = re.fullmatch(r"\+(\d+)([smhdw]?)", args[0]) if len(args) == 1 else None
            if not m:
                raise WorldError("clock needs an amount like +90s, +15m, +2h, +3d or +2w")
            Clock.now += int(m.group(1)) * UNITS[m.group(2)]
            return {"ok": True}, None
        if cmd == "server":
            if args != ["restart"]:
                raise WorldError("unknown server command; use: server restart")
            from django.core.cache import caches

            for alias in self.settings.CACHES:
                caches[alias].clear()
            from django.contrib.sessions.backends import file as sfile

            if "_storage_path" in sfile.SessionStore.__dict__:
                del sfile.SessionStore._storage_path
            return {"ok": True}, None
        if cmd == "manage.py":
            if len(args) != 1 or args[0] not in ("migrate", "clearsessions"):
                raise WorldError("unknown manage.py command; use: manage.py migrate "
                                 "or manage.py clearsessions")
            from django.core.management import call_command

            try:
                if args[0] == "migrate":
                    call_command("migrate", verbosity=0, interactive=False)
                else:
                    call_command("clearsessions")
            except Exception as e:
                return {"error": fmt_exc(e)}, None
            return {"ok": True}, None
        if cmd == "browser":
            return self.browser_cmd(line, args), None
        raise WorldError(f"unknown command {cmd!r}")

    def browser_cmd(self, line, args):
        usage = ("unknown browser command; use: browser close | clear | set NAME=VALUE | "
                 "delete NAME | open NAME | copy NAME from OTHER | cookies on|off | js")
        if not args:
            raise WorldError(usage)
        sub, rest = args[0], args[1:]
        b = self.cur
        b.purge()
        host = self.site.host
        if sub == "close" and not rest:
            for k in [k for k, c in b.jar.items() if c.expiry is None]:
                del b.jar[k]
        elif sub == "clear" and not rest:
            b.jar.clear()
        elif sub == "set":
            text = line.split(None, 2)[2] if len(args) > 1 else ""
            name, eq, value = text.partition("=")
            name, value = name.strip(), value.strip()
            if not eq or not name:
                raise WorldError("browser set needs NAME=VALUE, e.g. browser set sessionid=forged123")
            if blen(name) + blen(value) > MAX_NAME_VALUE:
                raise WorldError(f"browser refuses cookie {name!r}: name and value over "
                                 f"{MAX_NAME_VALUE} bytes")
            mine = [c for c in b.for_host(host) if c.name == name]
            if mine:
                for old in mine:
                    c = old.copy()
                    c.value = value
                    b.store(c)
            else:
                b.store(Cookie(name, value, host, True, "/", None, False, False, None,
                               Clock.now, 0))
        elif sub == "delete" and len(rest) == 1:
            mine = [c for c in b.for_host(host) if c.name == rest[0]]
            if not mine:
                raise WorldError(f"browser {b.name!r} has no cookie {rest[0]!r}")
            for c in mine:
                del b.jar[c.key()]
        elif sub == "open" and len(rest) == 1:
            if rest[0] not in self.browsers:
                self.browsers[rest[0]] = Browser(rest[0])
            self.cur = self.browsers[rest[0]]
        elif sub == "copy" and len(rest) == 3 and rest[1] == "from":
            name, other = rest[0], rest[2]
            if other not in self.browsers:
                raise WorldError(f"no browser named {other!r}")
            src = self.browsers[other]
            theirs = [c for c in src.for_host(host) if c.name == name]
            if not theirs:
                raise WorldError(f"browser {other!r} has no cookie {name!r}")
            for c in theirs:
                b.store(c.copy())
        elif sub == "cookies" and rest in (["on"], ["off"]):
            b.cookies_on = rest[0] == "on"
        elif sub == "js" and not rest:
            if not b.cookies_on:
                return {"value": repr("")}
            req_path = self.path.partition("?")[0]
            sent, _ = b.select(self.site, req_path)
            cs = [c for c in sent if not c.httponly]
            return {"value": repr("; ".join(f"{c.name}={c.value}" if c.name else c.value
                                            for c in cs))}
        else:
            raise WorldError(usage)
        return {"ok": True}

    # --- normalization -----------------------------------------------------------
    def normalize(self, rec):
        inp = rec.pop("input")
        text = json.dumps(rec)
        found = []
        for k in KEY_ORDER:
            if k not in self.key_numbers:
                pos = text.find(k)
                if pos >= 0:
                    found.append((pos, k))
        for _, k in sorted(found):
            self.key_numbers[k] = len(self.key_numbers) + 1
        for k, num in self.key_numbers.items():
            if k in text:
                text = text.replace(k, f"<key{num}>")
        for h in HASHES:
            text = text.replace(h, "<auth_hash>")
        for n, secret in enumerate(CSRF_SECRETS, 1):
            text = text.replace(secret, f"<csrf{n}>")
        text = re.sub(r" at 0x[0-9a-fA-F]+>", " at 0x...>", text)
        rec = json.loads(text)
        out = {"line": rec.pop("line"), "input": inp}
        out.update(rec)
        return out


def emit(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    unmigrated = bool(lines) and lines[0].strip() == "# world: unmigrated"
    csrf = bool(lines) and lines[0].strip() == "# world: csrf"
    out = sys.stdout
    # print() in view code goes to the server console, not into the transcript
    sys.stdout = open(os.devnull, "w")
    world = World(unmigrated, csrf)
    for i, raw in enumerate(lines, 1):
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        out.write(json.dumps(world.run_line(i, s)) + "\n")
        out.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
