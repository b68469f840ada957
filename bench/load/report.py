"""The figures of `make loadtest` (bench/run_load.sh), from Locust's CSV files and the
sampler's JSON of each step:

  report.py step --dir D --users N       one step's table, per action (D/step-N.json)
  report.py summary --dir D ... --out F  every step, the capacity; writes F (JSON)
  report.py compare --current F ...      the previous run (or a baseline) beside this one

Failures are split: "expected" (409: the time was just taken, 429: a rate limit; see
locustfile.py) and the others, the real errors. The capacity is the largest step whose p95
is at most P95_LIMIT_MS with no real error. Which p95: with the SPID sign-in (SIGN_IN=spid,
as in production), the p95 of every request to Odoo, its sign-in included (the provider's
own pages, the national gateway's, are not the server's); with the password sign-in, the p95
without it (pbkdf2 with 600,000 rounds, over half a second of a core by itself, which SPID
does not cost the server), its own p95 printed beside."""

import argparse
import csv
import glob
import json
import math
import os
import re

P95_LIMIT_MS = 500
SIGN_IN = {"sign in", "SPID: provider"}
PROVIDER = "SPID: provider"  # the identity provider's pages: not Odoo's
EXPECTED = re.compile(r"expected (409|429)")


def number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def percentile(values, share):
    """The nearest-rank percentile of a list of numbers (0 for none)."""
    if not values:
        return 0
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered), math.ceil(share * len(ordered))) - 1)]


def without_sign_in(directory, users):
    """(p95 of every request but the sign-in, p95 of the sign-in, p95 of every request to
    Odoo), from the step's times."""
    path = os.path.join(directory, f"times-{users}.json")
    if not os.path.exists(path):
        return None, None, None
    with open(path) as handle:
        times = json.load(handle)
    pages = [ms for name, ms in times if name not in SIGN_IN]
    signs = [ms for name, ms in times if name in SIGN_IN]
    odoo = [ms for name, ms in times if name != PROVIDER]
    return percentile(pages, 0.95), percentile(signs, 0.95), percentile(odoo, 0.95)


def read_step(directory, users, sign_in="password"):
    prefix = os.path.join(directory, f"step-{users}")
    actions, failures = {}, {}
    with open(f"{prefix}_failures.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            kind = "expected" if EXPECTED.search(row["Error"]) else "unexpected"
            entry = failures.setdefault(row["Name"], {"expected": 0, "unexpected": 0, "errors": {}})
            entry[kind] += int(row["Occurrences"])
            if kind == "unexpected":
                entry["errors"][row["Error"][:160]] = int(row["Occurrences"])
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # one row per name and method: a name used with two methods (the SPID provider's pages,
    # GET and POST) keeps the row that has requests, or both, the second named with its method
    named = {}
    for row in rows:
        name = row["Name"] if row["Type"] else "Aggregated"
        if name in named and int(row["Request Count"]) == 0:
            continue
        if name in named and int(named[name]["Request Count"]) > 0:
            name = f"{name} ({row['Type']})"
        named[name] = row
    for name, row in named.items():
        fail = failures.get(name, {"expected": 0, "unexpected": 0, "errors": {}})
        actions[name] = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "expected": fail["expected"],
            "unexpected": fail["unexpected"],
            "errors": fail["errors"],
            "median_ms": number(row["50%"]),
            "p95_ms": number(row["95%"]),
            "p99_ms": number(row["99%"]),
            "rps": round(number(row["Requests/s"]), 2),
        }
    total = actions.pop("Aggregated")
    total["expected"] = sum(a["expected"] for a in actions.values())
    total["unexpected"] = sum(a["unexpected"] for a in actions.values())
    total["p95_pages_ms"], total["p95_sign_in_ms"], total["p95_odoo_ms"] = without_sign_in(
        directory, users
    )
    total["sign_in"] = sign_in
    sample_file = os.path.join(directory, f"sample-{users}.json")
    resources = {}
    if os.path.exists(sample_file):
        with open(sample_file) as handle:
            resources = json.load(handle)
    return {"users": users, "actions": actions, "total": total, "resources": resources}


def print_step(step):
    print(f"\n  {step['users']} concurrent users")
    header = (
        f"  {'action':<34} {'requests':>8} {'expected':>8} {'errors':>6} "
        f"{'median':>7} {'p95':>7} {'p99':>7} {'req/s':>7}"
    )
    print(header)
    rows = sorted(step["actions"].items()) + [("ALL", step["total"])]
    for name, a in rows:
        print(
            f"  {name[:34]:<34} {a['requests']:>8} {a['expected']:>8} {a['unexpected']:>6} "
            f"{a['median_ms']:>7.0f} {a['p95_ms']:>7.0f} {a['p99_ms']:>7.0f} {a['rps']:>7.1f}"
        )
    for name, a in rows:
        for error, count in a.get("errors", {}).items():
            print(f"  error  {name}: {count} x {error}")
    res = step["resources"]
    for group in ("odoo", "postgres"):
        if group in res:
            r = res[group]
            print(
                f"  {group:<9} CPU avg {r['cpu_avg']:5.1f} % max {r['cpu_max']:5.1f} % "
                f"(of {res.get('cores', '?')} cores)   RSS avg {r['rss_avg_mb']} MB "
                f"max {r['rss_max_mb']} MB ({r['processes_max']} processes)"
            )
    print("  (times in ms; expected = 409 taken / 429 rate limited; errors = the real failures)")


def cmd_step(args):
    step = read_step(args.dir, args.users, args.sign_in)
    with open(os.path.join(args.dir, f"step-{args.users}.json"), "w") as handle:
        json.dump(step, handle)
    print_step(step)


def judged_p95(total):
    """The p95 the capacity is judged on (see above): with SPID, every request to Odoo's;
    with the password, without the sign-in when the times were kept."""
    if total.get("sign_in") == "spid" and total.get("p95_odoo_ms") is not None:
        return total["p95_odoo_ms"]
    pages = total.get("p95_pages_ms")
    return total["p95_ms"] if pages is None else pages


def capacity(steps):
    ok = [
        s["users"]
        for s in steps
        if judged_p95(s["total"]) <= P95_LIMIT_MS and s["total"]["unexpected"] == 0
    ]
    return max(ok) if ok else None


def cmd_summary(args):
    steps = []
    for users in args.steps.split():
        path = os.path.join(args.dir, f"step-{users}.json")
        if os.path.exists(path):
            with open(path) as handle:
                steps.append(json.load(handle))
    result = {
        "label": args.label,
        "db": args.db,
        "rev": args.rev,
        "step_time_s": args.step_time,
        "steps": steps,
        "capacity_users": capacity(steps),
        "p95_limit_ms": P95_LIMIT_MS,
    }
    with open(args.out, "w") as handle:
        json.dump(result, handle, indent=1)
    print(f"\n  Summary ({args.label}, {args.rev}, {args.step_time} s a step)")
    for s in steps:
        t, r = s["total"], s["resources"]
        print(
            f"  {s['users']:>5} users  p95 judged {judged_p95(t):>5.0f} ms "
            f"(sign-in {t.get('sign_in', 'password')}: without it "
            f"{t.get('p95_pages_ms') or 0:>5.0f} ms, its own {t.get('p95_sign_in_ms') or 0:>5.0f} ms)  "
            f"{t['rps']:>6.1f} req/s  "
            f"errors {t['unexpected']}  expected 409/429 {t['expected']}  "
            f"Odoo CPU {r.get('odoo', {}).get('cpu_avg', 0):.0f} %  "
            f"PostgreSQL CPU {r.get('postgres', {}).get('cpu_avg', 0):.0f} %"
        )
    cap = result["capacity_users"]
    print(
        f"  Capacity of one 2-core server: "
        f"{f'{cap} concurrent users' if cap else 'below the smallest step'} "
        f"(the largest step with the judged p95 <= {P95_LIMIT_MS} ms and no real error)"
    )
    print(f"  Figures: {args.out}")


def side_by_side(current, other, title):
    with open(current) as handle:
        new = json.load(handle)
    with open(other) as handle:
        old = json.load(handle)
    print(
        f"\n  {title}: {os.path.basename(other)} ({old.get('rev')}) -> this run ({new.get('rev')})"
    )
    print(
        "  (p95: the judged one of each run, see report.py; sign-in before -> now: "
        f"{old['steps'][0]['total'].get('sign_in', 'password') if old.get('steps') else '?'} -> "
        f"{new['steps'][0]['total'].get('sign_in', 'password') if new.get('steps') else '?'})"
    )
    print(
        f"  {'users':>5}  {'p95 before':>10} {'p95 now':>8}  {'req/s before':>12} {'now':>6}  "
        f"{'errors before':>13} {'now':>4}"
    )
    before = {s["users"]: s["total"] for s in old["steps"]}
    for s in new["steps"]:
        t, b = s["total"], before.get(s["users"])
        if b:
            print(
                f"  {s['users']:>5}  {judged_p95(b):>10.0f} {judged_p95(t):>8.0f}  {b['rps']:>12.1f} "
                f"{t['rps']:>6.1f}  {b['unexpected']:>13} {t['unexpected']:>4}"
            )
        else:
            print(
                f"  {s['users']:>5}  {'-':>10} {judged_p95(t):>8.0f}  {'-':>12} {t['rps']:>6.1f}  "
                f"{'-':>13} {t['unexpected']:>4}"
            )
    print(f"  capacity: {old.get('capacity_users')} -> {new.get('capacity_users')} users")


def cmd_compare(args):
    if args.baseline:
        side_by_side(args.current, args.baseline, "Baseline revision")
        return
    if args.previous_file and os.path.exists(args.previous_file):
        side_by_side(args.current, args.previous_file, "Previous figures")
        return
    # the newest earlier run of the current code (baselines carry a -rev-<x> suffix)
    runs = sorted(
        p
        for p in glob.glob(os.path.join(args.out_dir, "load-*.json"))
        if re.search(r"load-\d{8}T\d{6}Z\.json$", p) and p < args.current
    )
    if runs:
        side_by_side(args.current, runs[-1], "Previous run")
    else:
        print(
            "\n  No previous run to compare with (bench/out/load-*.json, bench/load/previous.json)"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    step = sub.add_parser("step")
    step.add_argument("--dir", required=True)
    step.add_argument("--users", type=int, required=True)
    step.add_argument("--sign-in", default="password", choices=("spid", "password"))
    summary = sub.add_parser("summary")
    summary.add_argument("--dir", required=True)
    summary.add_argument("--steps", required=True)
    summary.add_argument("--step-time", type=int, required=True)
    summary.add_argument("--label", required=True)
    summary.add_argument("--db", required=True)
    summary.add_argument("--rev", required=True)
    summary.add_argument("--out", required=True)
    compare = sub.add_parser("compare")
    compare.add_argument("--current", required=True)
    compare.add_argument("--out-dir", required=True)
    compare.add_argument("--previous-file")
    compare.add_argument("--baseline")
    args = parser.parse_args()
    {"step": cmd_step, "summary": cmd_summary, "compare": cmd_compare}[args.command](args)


if __name__ == "__main__":
    main()
