"""Runs one public SCIM conformance tester against a running userbridge and prints one line per
check and a summary line that `cargo xtask test` (conformance tier) reads:

    PASS|FAIL|SKIP <check>: <reason>
    <tool>: N passed, N failed, N skipped

Usage: python run.py scim2-tester|scim-sanity <base URL of /scim/v2> <bearer token>

* scim2-tester (`check_server`, User resources only: userbridge serves no Groups). Its statuses
  SUCCESS, COMPLIANT and ACCEPTABLE pass; DEVIATION (a SHOULD not followed), ERROR and CRITICAL
  fail; SKIPPED is skipped with the tester's own reason.
* scim-sanity (`probe --json-output`, strict mode). `pass` passes; `fail`, `error` and `warn`
  fail; `skip` is skipped with the tester's reason.

Exit status: 0 when nothing failed, 1 otherwise, 2 when the tester could not run at all.
"""

import json
import subprocess
import sys
from pathlib import Path


def line(outcome, check, reason):
    reason = " ".join(str(reason or "").split())
    print(f"{outcome} {check}: {reason}" if reason else f"{outcome} {check}")


def scim2_tester(url, token):
    import httpx2
    from scim2_client.engines.httpx2 import SyncSCIMClient
    from scim2_tester import Status, check_server

    passing = {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE}
    http = httpx2.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    client = SyncSCIMClient(http)
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    for result in check_server(client, resource_types=["User"]):
        if result.status == Status.SKIPPED:
            outcome = "SKIP"
        elif result.status in passing:
            outcome = "PASS"
        else:
            outcome = "FAIL"
        counts[outcome] += 1
        check = result.title or "?"
        if result.resource_type:
            check = f"{result.resource_type} {check}"
        reason = result.reason
        if outcome == "FAIL":
            reason = f"[{result.status.name}] {reason or ''}"
            if result.data is not None:
                reason += f" data={result.data!r}"[:600]
        line(outcome, check, reason)
    return counts


def scim_sanity(url, token):
    exe = Path(sys.executable).with_name("scim-sanity")
    proc = subprocess.run(
        [str(exe), "probe", url, "--token", token, "--json-output", "--i-accept-side-effects", "--timeout", "30"],
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(2)
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    for result in report.get("results", []):
        status = str(result.get("status", "")).lower()
        outcome = {"pass": "PASS", "skip": "SKIP"}.get(status, "FAIL")
        counts[outcome] += 1
        check = f"{result.get('phase', '')} / {result.get('name', '?')}"
        reason = result.get("message", "")
        if outcome == "FAIL":
            reason = f"[{status}] {reason}"
        line(outcome, check, reason)
    return counts


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("scim2-tester", "scim-sanity"):
        sys.stderr.write(__doc__)
        raise SystemExit(2)
    tool, url, token = sys.argv[1:]
    counts = scim2_tester(url, token) if tool == "scim2-tester" else scim_sanity(url, token)
    print(f"{tool}: {counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
    raise SystemExit(1 if counts["FAIL"] else 0)


if __name__ == "__main__":
    main()
