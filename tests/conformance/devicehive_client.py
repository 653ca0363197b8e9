"""The DeviceHive Python client (PyPI `devicehive`, pinned by `cargo xtask setup`) against the facade.

A DeviceHive client must work with only its base URL changed. This drives the real client, over
both of its transports (REST and WebSocket), through the round trip an application makes: log in,
create a user, change its role, status and data, change its password, read it back, list it by
login, make tokens for it, refresh, and delete it. Each check prints a TAP line; the summary is
`# pass N` / `# fail N`, which `cargo xtask test` reads.

Usage: python devicehive_client.py http://127.0.0.1:PORT [ADMIN_LOGIN ADMIN_PASSWORD]
"""

import sys
import traceback
import uuid

from devicehive import DeviceHiveApi
from devicehive.api_response import ApiResponseError

BASE = sys.argv[1].rstrip("/")
ADMIN_LOGIN = sys.argv[2] if len(sys.argv) > 2 else "admin"
ADMIN_PASSWORD = sys.argv[3] if len(sys.argv) > 3 else "dev-admin-password"

TRANSPORTS = {
    "rest": BASE + "/api/rest",
    "websocket": BASE.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/api/websocket",
}

results = []


def check(name, fn):
    try:
        fn()
        results.append(True)
        print(f"ok {len(results)} - {name}", flush=True)
    except Exception:  # noqa: BLE001 -- every failure is reported, none stops the run
        results.append(False)
        print(f"not ok {len(results)} - {name}", flush=True)
        for line in traceback.format_exc().splitlines():
            print(f"  # {line}", flush=True)


def round_trip(transport, url):
    api = DeviceHiveApi(url, login=ADMIN_LOGIN, password=ADMIN_PASSWORD)
    login = f"py-{transport}-{uuid.uuid4().hex[:12]}"
    state = {}

    def create():
        user = api.create_user(login, "secret-123", 1, {"floor": 3, "tags": ["a"]})
        assert isinstance(user.id, int), user.id
        assert user.login == login and user.role == 1 and user.status == 0
        assert user.data == {"floor": 3, "tags": ["a"]}
        state["user"] = user

    def save_role_status_data():
        user = state["user"]
        user.role, user.status, user.data = 0, 2, {"floor": 4}
        user.save()
        back = api.get_user(user.id)
        assert (back.role, back.status, back.data) == (0, 2, {"floor": 4}), (back.role, back.status, back.data)

    def re_enable():
        user = state["user"]
        user.status = 0
        user.save()
        assert api.get_user(user.id).status == 0

    def password_only_update_keeps_data():
        # The client sends `{"password": …}` alone; userbridge keeps `data` (README, Differences).
        user = state["user"]
        user.update_password("new-secret-456")
        assert api.get_user(user.id).data == {"floor": 4}

    def new_password_logs_in():
        DeviceHiveApi(url, login=login, password="new-secret-456").get_current_user()

    def list_by_login():
        found = api.list_users(login=login)
        assert [u.id for u in found] == [state["user"].id], [u.id for u in found]
        assert found[0].data == {"floor": 4}

    def current_user():
        me = api.get_current_user()
        assert me.login == ADMIN_LOGIN and me.role == 0, (me.login, me.role)

    def create_token_with_actions():
        tokens = api.create_token(state["user"].id, actions=["GetCurrentUser"])
        assert tokens["access_token"] and tokens["refresh_token"]
        # That token reads its own user but may not list users: 403 "Access is denied".
        limited = DeviceHiveApi(url, access_token=tokens["access_token"])
        assert limited.get_current_user().login == login
        try:
            limited.list_users()
        except ApiResponseError as err:
            assert (err.code, err.error) == (403, "Access is denied"), (err.code, err.error)
        else:
            raise AssertionError("a token without ManageUser listed users")

    def refresh():
        assert api.refresh_token()

    def remove():
        user = state["user"]
        user.remove()
        assert api.list_users(login=login) == []

    for name, fn in [
        ("create_user", create),
        ("save role, status and data; read back", save_role_status_data),
        ("re-enable", re_enable),
        ("update_password keeps data", password_only_update_keeps_data),
        ("the new password logs in", new_password_logs_in),
        ("list_users by login", list_by_login),
        ("get_current_user", current_user),
        ("create_token with an action list", create_token_with_actions),
        ("refresh_token", refresh),
        ("remove", remove),
    ]:
        check(f"{transport}: {name}", fn)


for transport, url in TRANSPORTS.items():
    round_trip(transport, url)

passed = sum(results)
print(f"1..{len(results)}")
print(f"# pass {passed}")
print(f"# fail {len(results) - passed}")
sys.exit(0 if passed == len(results) else 1)
