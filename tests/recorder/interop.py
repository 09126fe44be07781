#!/usr/bin/env python3
"""Cross-check session encodings with real Django 5.2.19.

    python3 tests/recorder/interop.py write tests/interop/django.json
        Writes a JSON list of cases made by real Django:
        {"secret": str, "timestamp": int (unix seconds), "data": {...},
         "session_data": SessionBase.encode(data) as the db engine stores it,
         "signed_cookie": the signed_cookies engine's cookie value for data}
        each made with SECRET_KEY = secret and the clock frozen at timestamp.

    python3 tests/recorder/interop.py verify tests/interop/sessionlab.json
        Reads the same format (written by sessionlab) and checks, for each case,
        with SECRET_KEY = secret and the clock frozen at timestamp, that
          * signing.loads(session_data, salt=<db engine key_salt>,
            serializer=JSONSerializer) == data, and the db engine's decode()
            gives data too;
          * the signed_cookies engine's load() of signed_cookie accepts it (does
            not fall back to create()) and gives data.
        Prints one line per check; exit status 1 on any failure.

The clock is frozen by replacing time.time and django.utils.timezone.now, the
same way record.py does. Every other setting is the Django 5.2 default.
"""

import datetime as dt
import json
import sys
import time

SIM_START = 1767225600  # 2026-01-01T00:00:00Z


class Clock:
    now = SIM_START


def setup():
    from django.conf import settings

    settings.configure(
        SECRET_KEY="sessionlab-oracle-secret",
        USE_TZ=True,
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.sessions",
        ],
    )
    time.time = lambda: float(Clock.now)
    import django.utils.timezone as tz

    tz.now = lambda: dt.datetime.fromtimestamp(Clock.now, tz=dt.timezone.utc)
    import django

    django.setup()
    import logging

    logging.disable(logging.CRITICAL)
    return settings


def at(settings, secret, timestamp):
    settings.SECRET_KEY = secret
    settings.SECRET_KEY_FALLBACKS = []
    Clock.now = int(timestamp)


def make_case(settings, secret, timestamp, data):
    from django.contrib.sessions.backends.db import SessionStore as DBStore
    from django.contrib.sessions.backends.signed_cookies import (
        SessionStore as SignedStore,
    )

    at(settings, secret, timestamp)
    session_data = DBStore().encode(data)
    s = SignedStore()
    s._session_cache = data
    s.save()
    return {
        "secret": secret,
        "timestamp": int(timestamp),
        "data": data,
        "session_data": session_data,
        "signed_cookie": s.session_key,
    }


def cases():
    secret = "sessionlab-oracle-secret"
    big = {"log": ["page %d visited" % (i % 5) for i in range(200)]}
    return [
        (secret, SIM_START, {}),
        (secret, SIM_START, {"name": "Faisal Zamir"}),
        (secret, SIM_START, {"name": "Zoë 🍪", "city": "لاہور", "note": "naïve café"}),
        (secret, SIM_START, {"cart": ["apple", "pear"], "prefs": {"theme": "dark", "tags": ["a", "b"]},
                             "qty": 2, "price": 2.5, "ok": True, "none": None}),
        (secret, SIM_START, big),
        (secret, SIM_START, {"html": "<b>\"quoted\" & 'single'</b>", "slash": "a/b\\c", "nl": "line1\nline2"}),
        ("another-secret-key-for-interop", SIM_START, {"name": "Ada"}),
        (secret, SIM_START + 86400 * 3 + 3600 + 7, {"name": "Ada", "_session_expiry": 300}),
        (secret, 1700000000, {"visits": 42}),
        (secret, SIM_START, {"_auth_user_id": "1",
                             "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                             "_auth_user_hash": "0" * 64}),
        ("short", SIM_START + 59, {"nested": {"deep": {"deeper": [1, [2, [3, {}]]]}}, "empty": [], "e": {}}),
        (secret, SIM_START, {"n": -17, "big": 12345678901234567890, "f": 1e-7, "t": False}),
    ]


def write(path):
    settings = setup()
    out = [make_case(settings, s, t, d) for s, t, d in cases()]
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(out)} cases to {path}")
    return 0


def verify(path):
    settings = setup()
    from django.contrib.sessions.backends.db import SessionStore as DBStore
    from django.contrib.sessions.backends.signed_cookies import (
        SessionStore as SignedStore,
    )
    from django.core import signing
    from django.core.signing import JSONSerializer

    with open(path, encoding="utf-8") as f:
        items = json.load(f)
    failures = 0
    for i, case in enumerate(items):
        label = f"case {i} (secret={case['secret']!r}, timestamp={case['timestamp']})"
        at(settings, case["secret"], case["timestamp"])
        data = case["data"]
        # session_data: strict signing check, then the engine's decode()
        db = DBStore()
        try:
            got = signing.loads(case["session_data"], salt=db.key_salt,
                                serializer=JSONSerializer)
            err = None
        except Exception as e:  # noqa: BLE001 - report whatever Django raised
            got, err = None, f"{type(e).__name__}: {e}"
        if err is None and got == data and db.decode(case["session_data"]) == data:
            print(f"ok   {label}: session_data decodes to data")
        else:
            failures += 1
            print(f"FAIL {label}: session_data: " + (err or f"decoded to {got!r}, expected {data!r}"))
        # signed_cookie: the engine's own load()
        s = SignedStore(case["signed_cookie"])
        s.modified = False
        try:
            got = s.load()
            err = None if not s.modified else "load() rejected the cookie (fell back to create())"
        except Exception as e:  # noqa: BLE001
            got, err = None, f"{type(e).__name__}: {e}"
        if err is None and got == data:
            print(f"ok   {label}: signed_cookie loads to data")
        else:
            failures += 1
            print(f"FAIL {label}: signed_cookie: " + (err or f"loaded {got!r}, expected {data!r}"))
    print(f"{len(items)} cases, {failures} failures")
    return 1 if failures else 0


def main(argv):
    if len(argv) == 2 and argv[0] == "write":
        return write(argv[1])
    if len(argv) == 2 and argv[0] == "verify":
        return verify(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
